// Runs `prisma generate` offline. Prisma 7's CLI wants a schema-engine binary to exist, though generating the
// client never runs it; a stub stands in (see docs/database.md). A real binary path in the env wins.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const stub = path.join(root, ".cache/schema-engine-stub");
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  fs.mkdirSync(path.dirname(stub), { recursive: true });
  fs.writeFileSync(stub, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
}
execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "generate"], {
  cwd: root,
  stdio: "inherit",
  env: {
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ...process.env,
  },
});
