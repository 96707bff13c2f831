/**
 * The stack outputs contract (docs/architecture.md §Stack outputs): one JSON shape for an AWS stack
 * (`pulumi stack output --json`) and the local stack (`.local/stack-outputs.json`). Every
 * tool that targets "a stack" loads it here. It lives with the local stack, which writes
 * it and serves the page from it; the CLIs and tests that read any stack's file import it
 * from here (scripts → local, never back).
 *
 * The file holds no user's password (I19): the AWS stack's one secret output,
 * `initialPasswords`, appears in it only as Pulumi's `"[secret]"` placeholder and is
 * dropped here; a file that holds the passwords themselves (written with
 * `--show-secrets`) is refused with what to do instead.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as z from "zod";

export const DEFAULT_OUTPUTS_FILE = ".local/stack-outputs.json";

export const StackOutputs = z.object({
  region: z.string().min(1),
  webSocketUrl: z.string().regex(/^wss?:\/\//, "webSocketUrl must be a ws:// or wss:// URL"),
  webSocketProtocol: z.string().min(1),
  userPoolId: z.string().min(1),
  userPoolClientId: z.string().min(1),
  tenantsTableName: z.string().min(1),
  ordersTableNames: z.record(z.string(), z.string()),
  connectionsTableName: z.string().min(1),
  /** Usage counters and per-answer records (lambdas/common/usage-keys.ts). */
  usageTableName: z.string().min(1),
  agentId: z.string().min(1),
  agentAliasId: z.string().min(1),
  /** The knowledge documents' bucket: `<tenantId>/<name>` plus `.metadata.json` sidecars (I18). */
  knowledgeBucketName: z.string().min(3),
  knowledgeBaseId: z.string().min(1),
  knowledgeDataSourceId: z.string().min(1),
  users: z.record(z.string(), z.string()),
  /**
   * The offboarding function (I17), which the users CLI invokes when it ends a user's
   * access. Optional: without it the CLI relies on the EventBridge rule alone.
   */
  offboardingFunctionName: z.string().min(1).optional(),
  /** Local stack only. */
  webUrl: z.string().optional(),
  endpoints: z
    .object({
      cognito: z.string(),
      dynamodb: z.string(),
      sts: z.string(),
      lambda: z.string(),
      bedrockAgentRuntime: z.string(),
      apiGatewayManagement: z.string(),
      /** Local-only test controls (agent mode, action-group variant). */
      control: z.string().optional(),
      /** The knowledge bucket (S3) and its ingestion jobs (Bedrock agent control plane). */
      s3: z.string().optional(),
      bedrockAgent: z.string().optional(),
    })
    .optional(),
  /** Local stack only: operator credentials accepted by the local IAM gate. */
  adminCredentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).optional(),
  /**
   * Local stack only: the bearer token the test controls (endpoints.control) require,
   * random per start. Never present on an AWS stack.
   */
  controlToken: z.string().min(32).optional(),
  /**
   * Local stack only: the PEM file (mode 0600) of the key the local Cognito signs tokens
   * with, new at every start. Red-team tests sign tokens Cognito would issue but cannot be
   * asked for (expired, 3-second lifetime) with it. Never present on an AWS stack.
   */
  localTokenSigningKeyFile: z.string().min(1).optional(),
  /**
   * Local stack only: the owner-only file (0600, in the owner-only state directory) of the
   * demo users' initial passwords, which only `npm run initial-password` prints (I19). A
   * path, never the passwords. Never present on an AWS stack.
   */
  initialPasswordsFile: z.string().min(1).optional(),
});
export type StackOutputs = z.infer<typeof StackOutputs>;

/** What `pulumi stack output --json` (without --show-secrets) writes for a secret output. */
export const PULUMI_SECRET_PLACEHOLDER = "[secret]";

/** The AWS stack's secret output: users' initial passwords, never part of the contract (I19). */
export const SECRET_OUTPUT = "initialPasswords";

export class StackOutputsError extends Error {
  readonly code = "invalid_stack_outputs";
  constructor(message: string) {
    super(message);
    this.name = "StackOutputsError";
  }
}

/** `--outputs FILE`, else `STACK_OUTPUTS`, else the local stack's file. */
export function resolveOutputsPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit ?? env.STACK_OUTPUTS ?? DEFAULT_OUTPUTS_FILE);
}

export function loadStackOutputs(path: string): StackOutputs {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new StackOutputsError(
      `cannot read stack outputs at ${path}: start the local stack (npm start) or pass --outputs FILE`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StackOutputsError(`${path} is not valid JSON`);
  }
  const parsed = StackOutputs.safeParse(withoutSecretPlaceholder(path, raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StackOutputsError(`${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Pure: the raw outputs without Pulumi's `"[secret]"` placeholder for `initialPasswords`;
 * a file that holds the passwords themselves is refused (I19): it was written with
 * `--show-secrets` and must be replaced, not read.
 */
export function withoutSecretPlaceholder(path: string, raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || !Object.hasOwn(raw, SECRET_OUTPUT)) return raw;
  const { [SECRET_OUTPUT]: secret, ...rest } = raw as Record<string, unknown>;
  if (secret === PULUMI_SECRET_PLACEHOLDER) return rest;
  throw new StackOutputsError(
    `${path} holds ${SECRET_OUTPUT} (written with --show-secrets): the outputs file must hold no password. ` +
      "Write it again with `pulumi stack output --json > stack-outputs.json`, delete the old copy, " +
      "and read one user's initial password with `npm run initial-password -- <username>`",
  );
}
