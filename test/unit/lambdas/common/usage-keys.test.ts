/** lambdas/common/usage-keys.ts: the usage table's keys, UTC days and months, reset times. */
import {
  answerKey,
  dayEnd,
  monthEnd,
  parseSortKey,
  tenantDayKey,
  tenantMonthKey,
  tenantPartition,
  userDayKey,
  userPartition,
  utcDay,
  utcMonth,
} from "../../../../lambdas/common/usage-keys";

const SUB = "0f0e0d0c-1111-2222-3333-444455556666";
// 23:30 on 31 Dec in UTC−2 is already the next day and year in UTC.
const LATE = new Date("2026-12-31T23:30:00-02:00");

describe("usage keys", () => {
  it("builds the four item keys of docs/architecture.md §Data model", () => {
    const at = new Date("2026-12-02T10:11:12.345Z");
    expect(userDayKey("tenant1", SUB, at)).toEqual({ pk: `tenant1#${SUB}`, sk: "day#2026-12-02" });
    expect(tenantDayKey("tenant1", at)).toEqual({ pk: "tenant1", sk: "day#2026-12-02" });
    expect(tenantMonthKey("tenant1", at)).toEqual({ pk: "tenant1", sk: "month#2026-12" });
    expect(answerKey("tenant1", SUB, at, `${SUB}.a1`)).toEqual({
      pk: `tenant1#${SUB}`,
      sk: `answer#2026-12-02T10:11:12.345Z#${SUB}.a1`,
    });
  });

  it("counts days and months in UTC", () => {
    expect(utcDay(LATE)).toBe("2027-01-01");
    expect(utcMonth(LATE)).toBe("2027-01");
    expect(tenantMonthKey("t", LATE).sk).toBe("month#2027-01");
  });

  it("resets a day at the next UTC midnight and a month on the first of the next", () => {
    expect(dayEnd(new Date("2026-12-02T00:00:00.000Z")).toISOString()).toBe("2026-12-03T00:00:00.000Z");
    expect(dayEnd(new Date("2026-12-31T23:59:59.999Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(monthEnd(new Date("2026-12-02T10:00:00.000Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(monthEnd(new Date("2027-02-28T23:00:00.000Z")).toISOString()).toBe("2027-03-01T00:00:00.000Z");
  });

  it("refuses a tenant id or sub that could forge another partition", () => {
    expect(() => tenantPartition("tenant1#x")).toThrow(TypeError);
    expect(() => userPartition("tenant1", "not-a-sub")).toThrow(TypeError);
    expect(() => userPartition("Tenant1", SUB)).toThrow(TypeError);
    expect(userPartition("tenant1", SUB)).not.toBe(tenantPartition("tenant1"));
  });

  it("parses the sort keys it builds, and nothing else", () => {
    const at = new Date("2026-12-02T10:11:12.345Z");
    expect(parseSortKey(userDayKey("t", SUB, at).sk)).toEqual({ kind: "day", day: "2026-12-02" });
    expect(parseSortKey(tenantMonthKey("t", at).sk)).toEqual({ kind: "month", month: "2026-12" });
    expect(parseSortKey(answerKey("t", SUB, at, `${SUB}.a1`).sk)).toEqual({
      kind: "answer",
      startedAt: "2026-12-02T10:11:12.345Z",
      answerId: `${SUB}.a1`,
    });
    for (const bad of ["day#2026-12", "month#2026-12-02", "answer#x#y", "orders#1", ""]) expect(parseSortKey(bad)).toBeUndefined();
  });
});
