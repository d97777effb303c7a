/**
 * `npm run db:new-migration -- <name> [--from <git-ref>]`: writes prisma/migrations/<timestamp>_<name>/migration.sql
 * with the SQL that turns the schema at <git-ref> (default HEAD) into the working copy's schema.prisma.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { diffSchemaToSchema } from "./lib/prisma-diff.ts";

const [name, ...rest] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name> [--from <git-ref>]");
  process.exit(2);
}
const ref = rest[0] === "--from" && rest[1] ? rest[1] : "HEAD";
const fromSchema = execFileSync("git", ["show", `${ref}:prisma/schema.prisma`], { encoding: "utf8" });

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-diff-"));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({
  dataDir: path.join(dir, "pg"),
  ephemeral: true,
  database: "postgres",
});
try {
  const sql = await diffSchemaToSchema(pg.url, fromSchema);
  if (!sql) {
    console.log(`schema.prisma matches ${ref}: no migration needed.`);
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const folder = path.join("prisma/migrations", `${stamp}_${name}`);
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(path.join(folder, "migration.sql"), `${sql}\n`);
    console.log(`wrote ${folder}/migration.sql`);
  }
} finally {
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
