/**
 * What `modelId` names, parsed once (pure): a foundation model, a system-defined
 * (geographic or global) cross-Region inference profile, or an application inference
 * profile ARN. The agent role's grants (policies.ts agentRolePolicy) and the agent's
 * `foundationModel` follow from the form; anything else is refused at config validation.
 *
 * Sources (checked 2026-12-02): Bedrock user guide "Supported Regions and models for
 * inference profiles", "Geographic cross-Region inference" and "Global cross-Region
 * inference" (IAM policy requirements); Bedrock API reference "InferenceProfile" (ARN forms).
 */

/** A geographic profile's prefix → the Regions that geography's profiles can route to. */
export type Geography = "us" | "us-gov" | "eu" | "apac" | "jp" | "au" | "ca";

/**
 * Every Region a geographic profile of that geography may route to (a superset per
 * geography: a given model's profile lists some of them). Granting the whole geography is
 * not broader than the profile: each foundation-model grant is conditioned on
 * `bedrock:InferenceProfileArn` being this profile, so it is usable only through it.
 * Source: Bedrock user guide "Supported Regions and models for inference profiles" and
 * "Geographic cross-Region inference", checked 2026-12-02.
 */
export const GEOGRAPHY_REGIONS: Readonly<Record<Geography, readonly string[]>> = {
  us: ["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
  "us-gov": ["us-gov-east-1", "us-gov-west-1"],
  eu: ["eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3"],
  apac: [
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
  ],
  jp: ["ap-northeast-1", "ap-northeast-3"],
  au: ["ap-southeast-2", "ap-southeast-4"],
  ca: ["ca-central-1", "ca-west-1"],
};

export const GEOGRAPHIES = Object.keys(GEOGRAPHY_REGIONS) as Geography[];

export type ModelReference =
  /** `anthropic.claude-…`: invoked in the stack's Region only. */
  | { kind: "foundation-model"; id: string; modelId: string }
  /** `us.anthropic.claude-…`: routed within one geography. */
  | { kind: "geographic-profile"; id: string; geography: Geography; modelId: string }
  /** `global.anthropic.claude-…`: routed to any commercial Region. */
  | { kind: "global-profile"; id: string; modelId: string }
  /** `arn:…:application-inference-profile/…`: its models are read from Bedrock at deploy time. */
  | { kind: "application-profile"; id: string; arn: string; partition: string; region: string; accountId: string; profileId: string };

/** `provider.model-name[:version]`, e.g. `anthropic.claude-sonnet-4-6`, `amazon.titan-embed-text-v2:0`. */
const FOUNDATION_MODEL_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9][a-z0-9._-]*(?::[a-z0-9._-]+)?$/;
/** Bedrock model providers: `<x>.<provider>.…` is a profile id, never a foundation-model id. */
const MODEL_PROVIDERS = ["ai21", "amazon", "anthropic", "cohere", "deepseek", "google", "meta", "minimax", "mistral", "moonshot", "nvidia", "openai", "qwen", "stability", "twelvelabs", "writer"];
const APPLICATION_PROFILE_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):application-inference-profile\/([a-z0-9]{1,64})$/;

export const MODEL_ID_FORMS =
  "a foundation-model id (anthropic.claude-…), a geographic or global inference profile id (us. eu. apac. jp. au. ca. us-gov. or global. + a model id), or an application inference profile ARN";

export class ModelReferenceError extends Error {
  readonly code = "invalid_model_reference";
  constructor(message: string) {
    super(message);
    this.name = "ModelReferenceError";
  }
}

/** Parses `modelId`; throws ModelReferenceError with one line naming the accepted forms. */
export function parseModelReference(value: string): ModelReference {
  const arn = APPLICATION_PROFILE_ARN.exec(value);
  if (arn) {
    const [, partition, region, accountId, profileId] = arn;
    return { kind: "application-profile", id: value, arn: value, partition, region, accountId, profileId };
  }
  const dot = value.indexOf(".");
  const prefix = dot > 0 ? value.slice(0, dot) : "";
  const rest = value.slice(dot + 1);
  if (prefix === "global" && FOUNDATION_MODEL_ID.test(rest)) return { kind: "global-profile", id: value, modelId: rest };
  if ((GEOGRAPHIES as string[]).includes(prefix) && FOUNDATION_MODEL_ID.test(rest)) {
    return { kind: "geographic-profile", id: value, geography: prefix as Geography, modelId: rest };
  }
  const profileLike = MODEL_PROVIDERS.some((provider) => rest.startsWith(`${provider}.`));
  // `sa.anthropic.…` (an unknown prefix) must not pass as a foundation model: its ARN would match nothing.
  if (prefix !== "global" && !(GEOGRAPHIES as string[]).includes(prefix) && !profileLike && FOUNDATION_MODEL_ID.test(value)) {
    return { kind: "foundation-model", id: value, modelId: value };
  }
  const hint = profileLike ? ` (unknown inference profile prefix "${prefix}.")` : "";
  throw new ModelReferenceError(`modelId ${JSON.stringify(value)} is not ${MODEL_ID_FORMS}${hint}`);
}

/**
 * A profile can be called only from a Region it serves: a geographic profile from its
 * geography, an application profile from its own Region. Throws a one-line error otherwise,
 * so `pulumi preview` fails before the agent exists.
 */
export function assertCallableFrom(ref: ModelReference, region: string): void {
  if (ref.kind === "geographic-profile" && !GEOGRAPHY_REGIONS[ref.geography].includes(region)) {
    throw new ModelReferenceError(
      `modelId ${ref.id} is a ${ref.geography}. inference profile and cannot be called from ${region}: choose the profile of ${region}'s geography or a global. profile`,
    );
  }
  if (ref.kind === "application-profile" && ref.region !== region) {
    throw new ModelReferenceError(`modelId ${ref.id} is an application inference profile in ${ref.region}, not in the stack's Region ${region}`);
  }
}

/** The ARN of a system-defined profile in the source (stack) Region. */
export function inferenceProfileArn(partition: string, region: string, accountId: string, profileId: string): string {
  return `arn:${partition}:bedrock:${region}:${accountId}:inference-profile/${profileId}`;
}

export function regionalFoundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}

/** Global profiles route to this Region-less ARN (Bedrock user guide "Global cross-Region inference", checked 2026-12-02). */
export function globalFoundationModelArn(partition: string, modelId: string): string {
  return `arn:${partition}:bedrock:::foundation-model/${modelId}`;
}
