/**
 * One Lambda function deployed from its esbuild bundle (`npm run build`): the same file
 * the local stack runs. Its own log group (retention from config), its role's inline
 * policy from policies.ts, its settings from function-settings.ts, arm64 on Node 22.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dirname } from "node:path";
import { bundlePath } from "../bundles";
import { FUNCTION_SETTINGS } from "../function-settings";
import type { FunctionName } from "../naming";
import { logGroupName } from "../policies";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";

export interface BundledFunctionArgs {
  /** Which bundle under dist/lambdas/; also selects its timeout, memory and handler (function-settings.ts). */
  bundle: FunctionName;
  functionName: string;
  role: aws.iam.Role;
  /** The role's inline policy, as JSON text. */
  policy: pulumi.Input<string>;
  environment: pulumi.Input<Record<string, string>>;
  logRetentionDays: number;
  /**
   * Reserved concurrency: both a floor (no other function can starve this one) and a
   * ceiling (this one cannot starve the others). Unset: the account's unreserved pool.
   */
  reservedConcurrency?: number;
}

export class BundledFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: BundledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:BundledFunction", name, {}, opts);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName(args.functionName), retentionInDays: args.logRetentionDays },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: args.role.id, name: "function", policy: args.policy },
      { parent: this },
    );
    const bundleDir = dirname(bundlePath(args.bundle));
    const settings = FUNCTION_SETTINGS[args.bundle];

    this.function = new aws.lambda.Function(
      name,
      {
        name: args.functionName,
        role: args.role.arn,
        runtime: LAMBDA_RUNTIME,
        architectures: [LAMBDA_ARCHITECTURE],
        handler: settings.handler,
        // index.mjs, its chunks and their source maps, exactly as built.
        code: new pulumi.asset.FileArchive(bundleDir),
        memorySize: settings.memoryMb,
        timeout: settings.timeoutSeconds,
        environment: { variables: args.environment },
        // Powertools already writes JSON lines; "Text" keeps Lambda from wrapping them again.
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        ...(args.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: args.reservedConcurrency } : {}),
      },
      // The log group and grants exist before the first invocation can log or call AWS.
      { parent: this, dependsOn: [this.logGroup, rolePolicy] },
    );
    if (settings.asyncInvoke) {
      // The function's role must be allowed to invoke the destination: "self" is covered by the chat
      // role's AsyncAnswerStep grant (infra/policies.ts).
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-async`,
        {
          functionName: this.function.name,
          maximumEventAgeInSeconds: settings.asyncInvoke.maximumEventAgeSeconds,
          maximumRetryAttempts: settings.asyncInvoke.maximumRetryAttempts,
          destinationConfig: { onFailure: { destination: this.function.arn } },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ functionName: this.function.name, functionArn: this.function.arn });
  }
}
