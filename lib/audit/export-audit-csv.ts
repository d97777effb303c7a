import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { auditWhere, type AuditFilter } from "./find-audit-events";

const COLUMNS = [
  "id",
  "occurredAt",
  "customerId",
  "onboardingId",
  "actorType",
  "actorId",
  "actorRole",
  "action",
  "outcome",
  "targetType",
  "targetId",
  "requestId",
  "details",
  "stream",
  "streamSeq",
  "prevHash",
  "hash",
] as const;

const BATCH = 500;

/**
 * The filtered audit log as CSV (RFC 4180), oldest first, read in keyset batches so that an export of a
 * million events holds one batch in memory at a time. Yields one chunk per batch.
 */
export async function* exportAuditCsv(db: Db, filter: AuditFilter): AsyncGenerator<string> {
  yield `${COLUMNS.join(",")}\r\n`;
  const where = auditWhere(filter);
  let after = 0n;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { ...where, id: { gt: after } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    after = rows.at(-1)!.id;
    yield rows.map(csvLine).join("");
    if (rows.length < BATCH) return;
  }
}

function csvLine(row: AuditEvent): string {
  return `${COLUMNS.map((column) => csvCell(cellValue(row, column))).join(",")}\r\n`;
}

function cellValue(row: AuditEvent, column: (typeof COLUMNS)[number]): string {
  const value = row[column];
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Quotes a cell when it must, and defuses text a spreadsheet would run as a formula (OWASP "CSV
 * injection": a leading =, +, -, @, tab or carriage return).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
