import "server-only";
import type { Db } from "@/lib/db/create-db";
import { computeAuditHash, GENESIS_HASH } from "./audit-chain";

/** Where the chain first breaks, in words an auditor can act on. */
export interface AuditChainBreak {
  id: bigint;
  stream: string | null;
  streamSeq: number | null;
  reason: string;
}

export interface AuditChainReport {
  /** Chained events whose place and hash were checked. */
  checked: number;
  streams: number;
  /** Events recorded before the chain existed (no stream), all older than the first chained one. */
  unchained: number;
  firstBreak?: AuditChainBreak;
}

const BATCH = 1000;

/**
 * Walks every event in id order (within a stream, id order is chain order: writers of a stream take an
 * advisory lock before they insert) and stops at the first event that does not follow from the one
 * before it in its stream. Memory grows with the number of streams, not of events.
 */
export async function verifyAuditChain(db: Db): Promise<AuditChainReport> {
  const heads = new Map<string, { seq: number; hash: string }>();
  let checked = 0;
  let unchained = 0;
  let after = 0n;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      after = row.id;
      const at = { id: row.id, stream: row.stream, streamSeq: row.streamSeq };
      if (row.stream === null || row.streamSeq === null || row.hash === null || row.prevHash === null) {
        if (heads.size > 0)
          return report({ ...at, reason: "has no place in a chain, yet was written after the chain began" });
        unchained += 1;
        continue;
      }
      const head = heads.get(row.stream) ?? { seq: 0, hash: GENESIS_HASH };
      if (row.streamSeq !== head.seq + 1) {
        return report({
          ...at,
          reason: `is number ${row.streamSeq} in its stream, but the event before it is number ${head.seq} (an event is missing or was inserted)`,
        });
      }
      if (row.prevHash !== head.hash) {
        return report({ ...at, reason: "does not carry the hash of the event before it in its stream" });
      }
      if (
        row.hash !== computeAuditHash(row.prevHash, { ...row, stream: row.stream, streamSeq: row.streamSeq })
      ) {
        return report({
          ...at,
          reason: "has a hash that does not match its content (the event was altered)",
        });
      }
      heads.set(row.stream, { seq: row.streamSeq, hash: row.hash });
      checked += 1;
    }
  }
  return report();

  function report(firstBreak?: AuditChainBreak): AuditChainReport {
    return { checked, streams: heads.size, unchained, ...(firstBreak ? { firstBreak } : {}) };
  }
}

/**
 * Checks one stream alone, in chain order (for an evidence pack): its events, its head (the last number
 * and hash, which the pack quotes) and where it first breaks.
 */
export async function verifyAuditStream(db: Db, stream: string) {
  let head = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { stream, streamSeq: { gt: head.seq } },
      orderBy: { streamSeq: "asc" },
      take: BATCH,
    });
    for (const row of rows) {
      const at = { id: row.id, stream, streamSeq: row.streamSeq };
      const reason =
        row.streamSeq !== head.seq + 1
          ? `is number ${row.streamSeq} in its stream, but the event before it is number ${head.seq}`
          : row.prevHash !== head.hash
            ? "does not carry the hash of the event before it in its stream"
            : row.hash !== computeAuditHash(row.prevHash, { ...row, stream, streamSeq: row.streamSeq! })
              ? "has a hash that does not match its content (the event was altered)"
              : undefined;
      if (reason) return { checked, head: checked ? head : null, firstBreak: { ...at, reason } };
      head = { seq: row.streamSeq!, hash: row.hash! };
      checked += 1;
    }
    if (rows.length < BATCH) return { checked, head: checked ? head : null, firstBreak: undefined };
  }
}
