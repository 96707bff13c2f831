/**
 * Stack configuration (`Pulumi.<stage>.yaml`), validated once at start with a clear
 * error per mistake. Pure: the Pulumi program feeds it `pulumi.Config` values
 * (stack-config.ts) and the local stack the same YAML file (config-file.ts), so both run
 * the same tenants.
 */
import * as z from "zod";
import { TENANT_ID_PATTERN } from "../lambdas/common/identifiers";
import { parseModelReference } from "./model-reference";
import { DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS } from "./user-pool-settings";

export const PROJECT = "multi-tenant-assistant";

/** Cognito usernames: what an operator types; also used in stack outputs. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/**
 * Claude Sonnet 4.6 through the US system-defined cross-Region inference profile: active
 * on Bedrock, checked 2026-12-02 (Bedrock user guide "Supported Regions and models for
 * inference profiles"). Callable from US Regions only (the default stack Region is
 * us-east-1); elsewhere set the geography's profile (`eu.`, `apac.`, …) or `global.`
 * (docs/deploy.md §Model). Forms accepted: model-reference.ts.
 */
export const DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-6";

const TokenBudgetSchema = z
  .number({ error: "must be a positive whole number" })
  .int("must be a positive whole number")
  .min(1, "must be a positive whole number")
  .max(1e15, "must be at most 10^15");

/**
 * A tenant's optional token budgets (input + output tokens, UTC days and months), enforced
 * by the chat function before the model is called (lambdas/chat/budgets.ts). A missing
 * limit is no limit.
 */
const TenantBudgetSchema = z
  .object({
    monthlyTokens: TokenBudgetSchema.optional(),
    dailyTokens: TokenBudgetSchema.optional(),
    userDailyTokens: TokenBudgetSchema.optional(),
  })
  .strict();
export type TenantBudget = z.infer<typeof TenantBudgetSchema>;

const TenantConfigSchema = z
  .object({
    id: z.string().regex(TENANT_ID_PATTERN, "tenant id must be 1–32 of [a-z0-9-], not starting or ending with '-'"),
    displayName: z.string().min(1).max(100),
    returnPolicyDays: z
      .number({ error: "returnPolicyDays must be a number" })
      .int("returnPolicyDays must be a whole number")
      .min(0, "returnPolicyDays must be between 0 and 365")
      .max(365, "returnPolicyDays must be between 0 and 365"),
    users: z.array(z.string().regex(USERNAME_PATTERN, "username must be 2–63 of [a-z0-9._-]")).min(1),
    budget: TenantBudgetSchema.optional(),
  })
  .strict();
export type TenantConfig = z.infer<typeof TenantConfigSchema>;

/** Per user, per fixed one-minute window: well above a person typing, far below a script. */
export const DEFAULT_ASKS_PER_USER_PER_MINUTE = 30;
export const DEFAULT_TOKEN_VALIDITY_MINUTES = 15;

const ThrottleSchema = z
  .object({
    burstLimit: z.number().int().min(1).max(10000),
    rateLimit: z.number().min(1).max(10000),
  })
  .strict();
export type ThrottleConfig = z.infer<typeof ThrottleSchema>;

const ReservedConcurrencySchema = z
  .number({ error: "reserved concurrency must be a number" })
  .int("reserved concurrency must be a whole number")
  .min(1, "reserved concurrency must be between 1 and 10000 (0 would stop the function)")
  .max(10000, "reserved concurrency must be between 1 and 10000 (0 would stop the function)");

export const DEFAULT_USAGE_RETENTION_DAYS = 90;
/** Tokens an answer reserves against its tenant's budgets until its real usage is known. */
export const DEFAULT_RESERVE_TOKENS_PER_ANSWER = 2000;

/** Every key a stack may set, with its schema; stack-config.ts reads exactly these from pulumi.Config. */
export const STACK_CONFIG_SHAPE = {
  tenants: z.array(TenantConfigSchema).min(1, "at least one tenant is required"),
  modelId: z
    .string({ error: "must be a string" })
    .superRefine((value, ctx) => {
      try {
        parseModelReference(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .default(DEFAULT_MODEL_ID),
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), {
      message: "logRetentionDays must be a CloudWatch retention value (1, 3, 5, 7, 14, 30, 60, 90, …)",
    })
    .default(14),
  pointInTimeRecovery: z.boolean().default(false),
  deletionProtection: z.boolean().default(false),
  throttle: ThrottleSchema.default({ burstLimit: 100, rateLimit: 50 }),
  /** The `ask` route's own throttle; default: half the stage's (filled in by parseStackConfig). */
  askThrottle: ThrottleSchema.optional(),
  askRateLimit: z
    .object({
      perUserPerMinute: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(1, "must be between 1 and 1000")
        .max(1000, "must be between 1 and 1000"),
    })
    .strict()
    .default({ perUserPerMinute: DEFAULT_ASKS_PER_USER_PER_MINUTE }),
  /**
   * Unset by default: a new AWS account's concurrency quota is 10, and Lambda keeps 10
   * unreserved, so any reservation fails to deploy there (docs/deploy.md).
   */
  reservedConcurrency: z
    .object({ chat: ReservedConcurrencySchema.optional(), authorizer: ReservedConcurrencySchema.optional() })
    .strict()
    .default({}),
  logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  /**
   * Metering: how long per-answer usage records (and counters, after their day or month)
   * are kept, and the tokens an answer reserves against a budget before it runs.
   */
  usage: z
    .object({
      retentionDays: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(1, "must be between 1 and 3650 days")
        .max(3650, "must be between 1 and 3650 days")
        .default(DEFAULT_USAGE_RETENTION_DAYS),
      reserveTokensPerAnswer: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(1, "must be between 1 and 1000000")
        .max(1_000_000, "must be between 1 and 1000000")
        .default(DEFAULT_RESERVE_TOKENS_PER_ANSWER),
    })
    .strict()
    .default({ retentionDays: DEFAULT_USAGE_RETENTION_DAYS, reserveTokensPerAnswer: DEFAULT_RESERVE_TOKENS_PER_ANSWER }),
  /**
   * ID and access token lifetime in minutes (Cognito allows 5 minutes to 1 day). Short, so a
   * stolen token is worth little; the page refreshes before expiry. Offboarding does not
   * wait for it (I17).
   */
  /**
   * Create a CloudTrail trail logging this Region's write management events, so Cognito
   * calls made outside the users CLI reach the offboarding rule (I17). Off by default: an
   * account usually has a trail already, and a second copy of management events is billed
   * (docs/deploy.md "Offboarding needs a trail").
   */
  offboardingTrail: z.boolean().default(false),
  tokenValidityMinutes: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(5, "must be between 5 and 1440 minutes")
    .max(1440, "must be between 5 and 1440 minutes")
    .default(DEFAULT_TOKEN_VALIDITY_MINUTES),
  /**
   * WebSocket stage access logs (I8: metadata only, infra/access-log-format.ts). Off by
   * default: API Gateway writes them with its account-level CloudWatch Logs role, which a
   * fresh account or Region does not have, and the stage would fail to deploy late
   * (docs/deploy.md §Access logs).
   */
  accessLogs: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * With accessLogs: create that account-level role and point API Gateway at it in this
   * account and Region (components/api-gateway-account.ts). Off: it must be set already.
   */
  manageApiGatewayAccountRole: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * Days a temporary password (a new user's, or one set by `npm run users --
   * reset-password`) may be used for the first sign-in; then only a reset helps (I19).
   * Cognito's range is 0–365 with 0 meaning its default of 7, so 0 is refused here.
   */
  temporaryPasswordValidityDays: z
    .number({ error: "must be a number" })
    .int("must be a whole number of days")
    .min(1, "must be between 1 and 365 days (Cognito would take 0 as its default, 7)")
    .max(365, "must be between 1 and 365 days")
    .default(DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS),
  /**
   * Optional per-tenant budget alarms (infra/dashboard.ts `budgetAlarms`): one alarm per
   * tenant and token budget at `budgetShare` of it, notifying `snsTopicArn` when given.
   */
  alarms: z
    .object({
      budgetShare: z
        .number({ error: "budgetShare must be a number" })
        .gt(0, "budgetShare must be above 0 and at most 1 (a share of the budget)")
        .max(1, "budgetShare must be above 0 and at most 1 (a share of the budget)"),
      snsTopicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, "snsTopicArn must be an SNS topic ARN")
        .optional(),
    })
    .strict()
    .optional(),
};
export type StackConfigKey = keyof typeof STACK_CONFIG_SHAPE;

const StackConfigSchema = z
  .object(STACK_CONFIG_SHAPE)
  .strict()
  .superRefine((config, ctx) => {
    const ask = config.askThrottle;
    if (ask && (ask.burstLimit > config.throttle.burstLimit || ask.rateLimit > config.throttle.rateLimit)) {
      ctx.addIssue({ code: "custom", path: ["askThrottle"], message: "askThrottle must not exceed the stage's throttle" });
    }
    if (config.manageApiGatewayAccountRole && !config.accessLogs) {
      ctx.addIssue({
        code: "custom",
        path: ["manageApiGatewayAccountRole"],
        message: "needs accessLogs: true (the role serves only the access logs); set both, or neither",
      });
    }
    const seenTenants = new Set<string>();
    const seenUsers = new Set<string>();
    config.tenants.forEach((tenant, i) => {
      if (seenTenants.has(tenant.id)) {
        ctx.addIssue({ code: "custom", path: ["tenants", i, "id"], message: `duplicate tenant "${tenant.id}"` });
      }
      seenTenants.add(tenant.id);
      tenant.users.forEach((user, j) => {
        if (seenUsers.has(user)) {
          ctx.addIssue({ code: "custom", path: ["tenants", i, "users", j], message: `duplicate user "${user}"` });
        }
        seenUsers.add(user);
      });
    });
  });
/** The validated configuration, with the defaults that depend on other keys filled in. */
export type StackConfig = Omit<z.infer<typeof StackConfigSchema>, "askThrottle"> & { askThrottle: ThrottleConfig };

/** Half the stage's throttle (at least 1): one route cannot use the whole stage's budget. */
export function defaultAskThrottle(stage: ThrottleConfig): ThrottleConfig {
  return { burstLimit: Math.max(1, Math.floor(stage.burstLimit / 2)), rateLimit: Math.max(1, stage.rateLimit / 2) };
}

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * A configuration mistake, with the config key path it concerns; `source` names the file it
 * was read from, when there is one. One problem is one line; several are listed below it.
 */
export class ConfigError extends Error {
  readonly code = "invalid_config";
  constructor(
    readonly problems: readonly string[],
    readonly source?: string,
  ) {
    const where = source === undefined ? "" : ` in ${source}`;
    super(
      problems.length === 1
        ? `invalid stack configuration${where}: ${problems[0]}`
        : `invalid stack configuration${where}:\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
  }
}

/** Pure: tenantId → budget, for the tenants that have one (the chat function's TENANT_BUDGETS). */
export function tenantBudgets(tenants: readonly TenantConfig[]): Record<string, TenantBudget> {
  return Object.fromEntries(tenants.filter((t) => t.budget !== undefined).map((t) => [t.id, t.budget as TenantBudget]));
}

/** Pure: a config key path as an operator writes it, e.g. `tenants[1].budget.dailyTokens`. */
export function configPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i > 0 ? "." : ""}${String(part)}`)).join("");
}

/**
 * Validate the project's config values (keys without the `multi-tenant-assistant:` prefix).
 * Unknown keys are errors: a typo must not silently fall back to a default.
 */
export function parseStackConfig(values: Record<string, unknown>): StackConfig {
  const parsed = StackConfigSchema.safeParse(values);
  if (parsed.success) return { ...parsed.data, askThrottle: parsed.data.askThrottle ?? defaultAskThrottle(parsed.data.throttle) };
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const path = configPath(issue.path);
      if (issue.code === "unrecognized_keys") return `${path}: unknown key(s) ${issue.keys.join(", ")}`;
      return `${path}: ${issue.message}`;
    }),
  );
}
