/**
 * The sessionAttributes contract (I4): complete, well-formed identity and credentials or
 * nothing. The hand-written check must be exactly as strict as the zod schema it replaced
 * (kept here as the reference): the two give the same verdict, and the same attributes, on
 * every case below.
 */
import * as z from "zod/mini";
import { ANSWER_ID_PATTERN, SUB_PATTERN, TENANT_ID_PATTERN } from "../../../../lambdas/common/identifiers";
import { ISO_DATETIME_WITH_OFFSET, parseSessionAttributes } from "../../../../lambdas/common/session-attributes";

/** The contract as zod states it (the schema the action group parsed with until stop 20). */
const Reference = z.object({
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN)),
  userId: z.string().check(z.regex(SUB_PATTERN)),
  answerId: z.string().check(z.regex(ANSWER_ID_PATTERN)),
  connectionId: z.string().check(z.minLength(1), z.maxLength(128)),
  accessKeyId: z.string().check(z.minLength(16), z.maxLength(128)),
  secretAccessKey: z.string().check(z.minLength(1)),
  sessionToken: z.string().check(z.minLength(1)),
  credentialsExpiration: z.iso.datetime({ offset: true }),
});

const valid = {
  tenantId: "tenant1",
  userId: "11111111-1111-4111-8111-111111111111",
  answerId: "11111111-1111-4111-8111-111111111111.q-1",
  connectionId: "Ab1CdEfGhIJKLmn=",
  accessKeyId: "ASIAQXAMPLEFAKEKEY42",
  secretAccessKey: "secret",
  sessionToken: "token",
  credentialsExpiration: "2026-11-02T10:15:00.000Z",
};

/** A string of `n` code points, each a surrogate pair (two UTF-16 units). */
const astral = (n: number) => "😀".repeat(n);

const FIELD_VALUES: Record<keyof typeof valid, unknown[]> = {
  tenantId: ["t", "tenant-1", "a".repeat(32), "a".repeat(33), "Tenant1", "-tenant", "tenant-", "", " tenant1", 7, null],
  userId: [valid.userId.toUpperCase(), "admin", "", valid.userId + "0", ["x"]],
  answerId: [`${valid.userId}.${"a".repeat(48)}`, `${valid.userId}.${"a".repeat(49)}`, "someone-else.q", `${valid.userId}.`, `${valid.userId}.q q`, {}],
  connectionId: ["", "x", "x".repeat(128), "x".repeat(129), astral(64), astral(128), astral(129), "\ud800", undefined],
  accessKeyId: ["short", "x".repeat(15), "x".repeat(16), astral(8), astral(15), astral(16), "x".repeat(128), "x".repeat(129), astral(128), astral(129)],
  secretAccessKey: ["", " ", astral(1), "\udc00", false],
  sessionToken: ["", "t", "x".repeat(5000), 0],
  credentialsExpiration: [
    "2026-11-02T10:15:00Z",
    "2026-11-02T10:15:00+01:00",
    "2026-11-02T10:15:00.5-23:59",
    "2026-11-02T10:15:00.123456789Z",
    "2026-11-02T10:15Z",
    "2026-11-02T10:15:00",
    "2026-11-02T10:15:00+24:00",
    "2026-11-02T10:15:00+0100",
    "2026-11-02t10:15:00Z",
    "2026-11-02T10:15:00z",
    "2026-11-02 10:15:00Z",
    "2026-11-02T24:00:00Z",
    "2026-11-02T10:60:00Z",
    "2026-11-02T10:15:60Z",
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-02",
    "tomorrow",
    "",
    1764669300000,
  ],
};

describe("parseSessionAttributes", () => {
  it("accepts the full contract", () => expect(parseSessionAttributes(valid)).toEqual(valid));

  it("drops keys outside the contract", () => expect(parseSessionAttributes({ ...valid, extra: "x" })).toEqual(valid));

  it.each(Object.keys(valid))("requires %s", (key) => {
    const { [key as keyof typeof valid]: _dropped, ...rest } = valid;
    expect(parseSessionAttributes(rest)).toBeUndefined();
  });

  it.each([
    ["tenantId", "Tenant 1"],
    ["userId", "admin"],
    ["answerId", "someone-else.q"],
    ["accessKeyId", "short"],
    ["credentialsExpiration", "tomorrow"],
  ])("rejects a malformed %s", (key, value) => {
    expect(parseSessionAttributes({ ...valid, [key]: value })).toBeUndefined();
  });

  it.each([null, undefined, "attributes", 42, [valid], []])("rejects %p as a whole", (input) => {
    expect(parseSessionAttributes(input)).toBeUndefined();
  });
});

describe("parseSessionAttributes is exactly as strict as the zod contract", () => {
  const verdicts = (input: unknown) => {
    const reference = Reference.safeParse(input);
    return { hand: parseSessionAttributes(input), zod: reference.success ? reference.data : undefined };
  };

  const cases = Object.entries(FIELD_VALUES).flatMap(([key, values]) => values.map((value) => [key, value] as const));

  it.each(cases)("%s = %p: same verdict", (key, value) => {
    const { hand, zod } = verdicts({ ...valid, [key]: value });
    expect(hand).toEqual(zod);
  });

  it("the cases cover both verdicts for every attribute", () => {
    for (const [key, values] of Object.entries(FIELD_VALUES)) {
      const outcomes = new Set(values.map((value) => verdicts({ ...valid, [key]: value }).hand !== undefined));
      expect([key, [...outcomes].sort()]).toEqual([key, [false, true]]);
    }
  });

  it.each([null, undefined, "attributes", 42, [valid], [], {}, { ...valid, extra: "x" }, Object.assign(Object.create({ tenantId: "tenant1" }), valid)])(
    "whole input %p: same verdict",
    (input) => {
      const { hand, zod } = verdicts(input);
      expect(hand).toEqual(zod);
    },
  );

  it("uses zod's own date-time pattern", () => {
    expect(ISO_DATETIME_WITH_OFFSET.source).toBe(z.iso.datetime({ offset: true })._zod.def.pattern!.source);
  });
});
