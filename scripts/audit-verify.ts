/**
 * `npm run audit:verify`: walks the audit log's hash chains in DATABASE_URL (or the embedded database) and
 * names the first event that does not follow from the one before it. Exit code 1 when the chain is broken.
 */
import { createDb } from "../lib/db/create-db.ts";
import { verifyAuditChain } from "../lib/audit/verify-audit-chain.ts";
import { resolveDatabase } from "./lib/database.ts";

const resolved = await resolveDatabase({ log: (l) => console.log(l) });
const db = createDb(resolved.url, 2);
try {
  const result = await verifyAuditChain(db);
  const summary = `${result.checked} chained event(s) in ${result.streams} stream(s) checked`;
  const legacy = result.unchained ? `; ${result.unchained} older event(s) predate the chain` : "";
  if (result.firstBreak) {
    const b = result.firstBreak;
    console.error(
      `Audit chain BROKEN at event ${b.id} (stream ${b.stream ?? "none"}, number ${b.streamSeq ?? "none"}): it ${b.reason}.`,
    );
    console.error(`${summary} before the break${legacy}.`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain intact: ${summary}${legacy}.`);
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await resolved.stop();
}
