import os from "node:os";
import path from "node:path";
import { createEmulator, type RunningEmulator } from "../src/server.js";

/** One emulator per test file, on a free port, with the demo world (CONTRACT.md identifiers). */
export function startEmulator(): Promise<RunningEmulator> {
  const dataDir = path.resolve(
    process.env.EMULATOR_TEST_DATA_DIR ?? path.join(os.tmpdir(), "crosskey-emulator-test"),
  );
  return createEmulator({ port: 0, dataDir, world: path.resolve(import.meta.dirname, "../world/demo.json") });
}
