import { describe, expect, it } from "vitest";
import { describeAuditEvent, detailLines } from "../../lib/audit/describe-audit-event";
import { decodeCursor, encodeCursor, keysetPage, PAGE_SIZE } from "../../lib/db/keyset";
import { parseSearchTerm } from "../../lib/db/search-term";
import { formatDateTime, formatDay } from "../../lib/format-date";

describe("audit entries in words", () => {
  it("says a verification passed every hop, or where it stopped", () => {
    const hops = ["token:passed", "vault:passed", "key:passed", "wrap_unwrap:passed"];
    expect(describeAuditEvent({ action: "key.verified", details: { hops } })).toEqual({
      title: "Key verified",
      summary: "every hop passed",
    });
    expect(
      describeAuditEvent({
        action: "key.verification_failed",
        details: { hops: ["token:passed", "vault:failed", "key:skipped"] },
      }).summary,
    ).toBe("stopped at vault reachable (failed)");
  });

  it("gives an invite's expiry as a day, and an unknown action readable words", () => {
    expect(
      describeAuditEvent({
        action: "invite.created",
        details: { expiresAt: "2026-12-16T10:00:00.000Z", pinnedTenant: null },
      }),
    ).toEqual({ title: "Invite created", summary: "valid until 16 Dec 2026" });
    expect(describeAuditEvent({ action: "operator.signed_in", details: null })).toEqual({
      title: "operator signed in",
      summary: undefined,
    });
  });
});

describe("an entry's details on demand", () => {
  it("gives one line per field and keeps every value", () => {
    expect(
      detailLines({
        hops: ["token:passed", "vault:passed"],
        keyUri: "https://kv.vault.azure.net/keys/k/1",
        attempt: 2,
        fresh: true,
        tenantId: null,
        plan: { steps: [{ method: "PATCH" }] },
      }),
    ).toBe(
      [
        "hops: token:passed, vault:passed",
        "keyUri: https://kv.vault.azure.net/keys/k/1",
        "attempt: 2",
        "fresh: true",
        "tenantId: null",
        'plan: {"steps":[{"method":"PATCH"}]}',
      ].join("\n"),
    );
    expect(detailLines(["a", 1])).toBe('["a",1]');
    expect(detailLines({})).toBe("");
  });
});

describe("dates in the reader's words", () => {
  it("formats days and times in UTC", () => {
    expect(formatDay(new Date("2026-12-16T23:59:00Z"))).toBe("16 Dec 2026");
    expect(formatDateTime(new Date("2026-12-02T07:05:00Z"))).toBe("2 Dec 2026, 07:05 UTC");
  });
});

describe("cursors and search terms from the URL", () => {
  it("round-trips a cursor and ignores a tampered one", () => {
    const cursor = { key: ["2026-12-02T07:05:00.000Z", "0193a1c2-0000-7000-8000-000000000000"], offset: 50 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor("not-a-cursor")).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"k":[],"o":-1}').toString("base64url"))).toBeUndefined();
  });

  it("escapes LIKE wildcards and recognises a GUID", () => {
    expect(parseSearchTerm("  50%_off\\ ")).toEqual({
      prefix: "50\\%\\_off\\\\%",
      typedPrefix: "50\\%\\_off\\\\%",
    });
    expect(parseSearchTerm("Contoso")).toEqual({ prefix: "contoso%", typedPrefix: "Contoso%" });
    expect(parseSearchTerm("AAAAAAAA-0000-4000-8000-000000000001")?.guid).toBe(
      "aaaaaaaa-0000-4000-8000-000000000001",
    );
    expect(parseSearchTerm("   ")).toBeUndefined();
  });

  it("pages forward with positions, and a page before the second page is the first", async () => {
    const all = Array.from({ length: 120 }, (_, i) => i);
    const fetch = async (direction: "forward" | "backward", key: string[] | undefined, limit: number) =>
      direction === "forward"
        ? all.filter((n) => key === undefined || n > Number(key[0])).slice(0, limit)
        : all
            .filter((n) => n < Number(key![0]))
            .reverse()
            .slice(0, limit);
    const options = { total: all.length, keyOf: (n: number) => [String(n)], fetch };
    const first = await keysetPage({ ...options, request: {} });
    expect([first.from, first.to, first.prev]).toEqual([1, PAGE_SIZE, undefined]);
    const second = await keysetPage({ ...options, request: { after: decodeCursor(first.next) } });
    expect([second.from, second.to, second.prev]).toEqual([51, 100, ""]);
    const third = await keysetPage({ ...options, request: { after: decodeCursor(second.next) } });
    expect([third.from, third.to, third.next]).toEqual([101, 120, undefined]);
    const back = await keysetPage({ ...options, request: { before: decodeCursor(third.prev) } });
    expect(back.rows).toEqual(second.rows);
    expect(back.from).toBe(51);
    expect(back.totalIsLowerBound).toBe(false);
    // A capped count ("100+") stays a lower bound, and never below the rows already shown.
    const capped = { ...options, total: { count: 100, atLeast: true } };
    const last = await keysetPage({ ...capped, request: { after: decodeCursor(second.next) } });
    expect([last.total, last.totalIsLowerBound]).toEqual([120, true]);
  });
});
