/**
 * The offboarding function's environment contract, defined once: the config type, the
 * pure `toEnvironment` that infra/ and the local stack call, and the loader that parses it
 * back (plus the Lambda runtime's AWS_REGION). Errors name the offending variables, never
 * their values.
 */
import { type Check, checkEnvironment, httpUrl, matching, powertoolsVariables, required, TABLE_NAME_PATTERN } from "../common/environment-checks";
import { FunctionConfigError, type Environment } from "../common/startup";

/** What the deployer decides; `toEnvironment` writes exactly this. */
export interface OffboardingSettings {
  /** The only pool whose events are acted on (events of other pools are ignored). */
  userPoolId: string;
  connectionsTableName: string;
  /** The connections table's index by owner (`byUserId`). */
  connectionsUserIndex: string;
  revocationsTableName: string;
  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage} on AWS. */
  managementEndpoint: string;
}

export interface OffboardingConfig extends OffboardingSettings {
  region: string;
}

/** The variables `toEnvironment` sets: the keys the loader's schema must cover. */
export interface OffboardingEnvironment {
  USER_POOL_ID: string;
  CONNECTIONS_TABLE_NAME: string;
  CONNECTIONS_USER_INDEX: string;
  REVOCATIONS_TABLE_NAME: string;
  WEBSOCKET_MANAGEMENT_ENDPOINT: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

export class OffboardingConfigError extends FunctionConfigError {
  override readonly name = "OffboardingConfigError";
}

/** Pure: the environment infra/ and the local stack give the offboarding function. */
export function toEnvironment(settings: OffboardingSettings, logLevel = "INFO"): OffboardingEnvironment {
  return {
    USER_POOL_ID: settings.userPoolId,
    CONNECTIONS_TABLE_NAME: settings.connectionsTableName,
    CONNECTIONS_USER_INDEX: settings.connectionsUserIndex,
    REVOCATIONS_TABLE_NAME: settings.revocationsTableName,
    WEBSOCKET_MANAGEMENT_ENDPOINT: settings.managementEndpoint,
    POWERTOOLS_SERVICE_NAME: "offboarding",
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

// Checked without zod (common/environment-checks.ts): nothing else at this function's start uses it.
const environmentChecks = {
  USER_POOL_ID: matching(/^[\w-]+_[0-9a-zA-Z]+$/, "must be a user pool id"),
  CONNECTIONS_TABLE_NAME: matching(TABLE_NAME_PATTERN, "must be a DynamoDB table name"),
  CONNECTIONS_USER_INDEX: matching(TABLE_NAME_PATTERN, "must be a DynamoDB index name"),
  REVOCATIONS_TABLE_NAME: matching(TABLE_NAME_PATTERN, "must be a DynamoDB table name"),
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl,
  ...powertoolsVariables,
  AWS_REGION: required,
} satisfies Record<keyof OffboardingEnvironment | "AWS_REGION", Check>;

type RequiredVariable = Exclude<keyof typeof environmentChecks, "POWERTOOLS_SERVICE_NAME" | "POWERTOOLS_LOG_LEVEL">;

export function loadOffboardingConfig(env: Environment = process.env): OffboardingConfig {
  const e = checkEnvironment<typeof environmentChecks, RequiredVariable>(environmentChecks, env, "offboarding config", OffboardingConfigError);
  return {
    region: e.AWS_REGION,
    userPoolId: e.USER_POOL_ID,
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    connectionsUserIndex: e.CONNECTIONS_USER_INDEX,
    revocationsTableName: e.REVOCATIONS_TABLE_NAME,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
  };
}
