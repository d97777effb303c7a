import { describe, expect, it } from "vitest";
import { canonicalJson, computeAuditHash, GENESIS_HASH } from "../../../lib/audit/audit-chain";
import { csvCell } from "../../../lib/audit/export-audit-csv";

const event = {
  stream: "global",
  streamSeq: 1,
  occurredAt: new Date("2026-12-02T07:00:00.123Z"),
  actorType: "SYSTEM",
  actorId: "crosskey",
  actorRole: null,
  action: "test.done",
  targetType: "test",
  targetId: null,
  customerId: null,
  onboardingId: null,
  outcome: "success",
  details: { b: [1, { d: 1, c: 2 }], a: "x" },
  requestId: null,
};

describe("[audit] chain hashing", () => {
  it("does not depend on the order of keys (jsonb reorders them)", () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
    expect(computeAuditHash(GENESIS_HASH, event)).toBe(
      computeAuditHash(GENESIS_HASH, { ...event, details: { a: "x", b: [1, { c: 2, d: 1 }] } }),
    );
  });

  it("changes with any field, the previous hash, and extra fields of a stored row do not count", () => {
    const base = computeAuditHash(GENESIS_HASH, event);
    expect(computeAuditHash("1".repeat(64), event)).not.toBe(base);
    expect(computeAuditHash(GENESIS_HASH, { ...event, actorId: "someone" })).not.toBe(base);
    expect(
      computeAuditHash(GENESIS_HASH, { ...event, occurredAt: new Date("2026-12-02T07:00:00.124Z") }),
    ).not.toBe(base);
    expect(computeAuditHash(GENESIS_HASH, { ...event, id: 5n, hash: "x" } as typeof event)).toBe(base);
  });
});

describe("[audit] CSV cells", () => {
  it("quotes what needs quoting and defuses spreadsheet formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });
});
