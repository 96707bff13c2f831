/**
 * A function's environment as zod schemas: the building blocks of the action group's
 * environment schema (it loads zod at start anyway, for its session attributes) and the one
 * way a bad environment is reported (messages name each offending variable and what is
 * wrong with it, never its value: an ARN, an endpoint or a secret-looking string would
 * otherwise reach a log line). The other functions check theirs without zod, with the same
 * rules and messages (environment-checks.ts). How a function starts (`lazyStartup`) is in
 * startup.ts.
 */
// No pipes or transforms in these schemas: each costs a bundle that uses it ~1 KB of zod code.
import * as z from "zod/mini";
import { type Environment, FunctionConfigError, normalisedEnvironment } from "./startup";

// Their own module now (no zod: the authorizer loads them without it); still reachable here.
export { type Environment, FunctionConfigError, lazyStartup, normalisedEnvironment, startupFailure } from "./startup";

// One definition of the token characters, shared with the zod-free checks.
import { SUBPROTOCOL_PATTERN } from "./environment-checks";

export { SUBPROTOCOL_PATTERN };

/** Set (and, see normalisedEnvironment, not blank). */
export const required = z.string({ error: "is required" });

// Pure: a bundle whose loader does not use one of these leaves it out.
export const subprotocolName = /* @__PURE__ */ required.check(
  /* @__PURE__ */ z.regex(SUBPROTOCOL_PATTERN, "must be a WebSocket subprotocol token"),
);

export const httpUrl = /* @__PURE__ */ z.url({
  protocol: /^https?$/,
  error: (issue) => (issue.input === undefined ? "is required" : "must be an http(s) URL"),
});

export const optionalHttpUrl = /* @__PURE__ */ z.optional(httpUrl);

/** Read by Powertools itself; listed so each schema covers its function's whole environment contract. */
export const powertoolsVariables = {
  POWERTOOLS_SERVICE_NAME: z.optional(z.string()),
  POWERTOOLS_LOG_LEVEL: z.optional(z.string()),
};

/**
 * `env`, normalised, parsed by `schema`; or an `ErrorClass` reading
 * `<label>: <VARIABLE> <problem>; …`. Only the issues' messages are used, never their
 * input: give every check a fixed message.
 */
export function parseEnvironment<Schema extends z.ZodMiniType>(
  schema: Schema,
  env: Environment,
  label: string,
  ErrorClass: new (message: string) => FunctionConfigError,
): z.infer<Schema> {
  const parsed = schema.safeParse(normalisedEnvironment(env));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new ErrorClass(`${label}: ${problems.join("; ")}`);
}
