/**
 * What the chat function's answer step hands to the Bedrock agent as sessionAttributes,
 * and the only place the action-group function takes identity from (I4). Bedrock passes
 * sessionAttributes to the action group untouched and never shows them to the model.
 *
 * Checked by hand, not with zod: building zod/mini schemas at import costs the action
 * group's every cold start far more than their bytes suggest (docs/performance.md, "Cold
 * start"). The rules are zod's own for the same contract (a string each; the identifiers'
 * patterns; lengths in Unicode code points; RFC 3339 date-times with seconds and `Z` or an
 * offset), and the unit test holds the two to the same verdicts.
 */
import { ANSWER_ID_PATTERN, SUB_PATTERN, TENANT_ID_PATTERN } from "./identifiers";

/** A type, not an interface: callers pass it where a record of strings is expected. */
export type SessionAttributes = {
  tenantId: string;
  userId: string;
  answerId: string;
  connectionId: string;
  /** Tenant-scoped STS credentials (AssumeRole with session tags tenantId/userId). */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601 expiry of the scoped credentials. */
  credentialsExpiration: string;
};

/** A calendar date (leap days included) as zod's `z.iso.date()` accepts it. */
const DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))`;

/** `z.iso.datetime({ offset: true })`: seconds required, optional fraction, then `Z` or `±hh:mm`. */
export const ISO_DATETIME_WITH_OFFSET = new RegExp(String.raw`^${DATE}T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$`);

/** Length in Unicode code points (a surrogate pair counts once), as zod measures strings. */
function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

const lengthBetween = (min: number, max: number) => (value: string) => {
  const length = codePoints(value);
  return length >= min && length <= max;
};

/** Each attribute's rule; every attribute is a required string. */
const RULES: Record<keyof SessionAttributes, (value: string) => boolean> = {
  tenantId: (value) => TENANT_ID_PATTERN.test(value),
  userId: (value) => SUB_PATTERN.test(value),
  answerId: (value) => ANSWER_ID_PATTERN.test(value),
  connectionId: lengthBetween(1, 128),
  accessKeyId: lengthBetween(16, 128),
  secretAccessKey: lengthBetween(1, Infinity),
  sessionToken: lengthBetween(1, Infinity),
  credentialsExpiration: (value) => ISO_DATETIME_WITH_OFFSET.test(value),
};
const NAMES = Object.keys(RULES) as (keyof SessionAttributes)[];

/**
 * Pure: the contract's eight attributes of `input`, or undefined when any is missing or
 * malformed (or `input` is not an object). Other keys are dropped. Says nothing about which
 * attribute failed: the caller's error must not name values from the event.
 */
export function parseSessionAttributes(input: unknown): SessionAttributes | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const source = input as Record<string, unknown>;
  const parsed: Partial<Record<keyof SessionAttributes, string>> = {};
  for (const name of NAMES) {
    const value = source[name];
    if (typeof value !== "string" || !RULES[name](value)) return undefined;
    parsed[name] = value;
  }
  return parsed as SessionAttributes;
}
