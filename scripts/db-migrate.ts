/**
 * `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded database when unset), connected
 * as MIGRATION_DATABASE_URL when that is set: the owner of the schema, while the app runs as a role that owns
 * nothing (docs/database.md, "Roles").
 */
import { MigrationError, migrateDatabase } from "../lib/db/migrate.ts";
import { resolveDatabase } from "./lib/database.ts";

const db = await resolveDatabase({ log: (l) => console.log(l) });
try {
  const result = await migrateDatabase(db.migrationUrl);
  for (const name of result.applied) console.log(`applied ${name}`);
  console.log(
    result.applied.length === 0
      ? `Database is up to date (${result.alreadyApplied.length} migrations applied earlier).`
      : `Applied ${result.applied.length} migration(s).`,
  );
} catch (error) {
  console.error(error instanceof MigrationError ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.stop();
}
