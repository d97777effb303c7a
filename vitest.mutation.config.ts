import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  "server-only": path.resolve(import.meta.dirname, "tests/helpers/server-only-stub.ts"),
};

/**
 * The tests mutation testing reruns per mutant (`npm run test:mutation`): the unit tier, plus the state
 * machines' PostgreSQL-backed tests (a real database; the whole file takes seconds). The emulator tiers are
 * too slow to rerun per mutant.
 */
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        // Rerun per mutant: a fresh worker per file would cost a process start each time; unit files share nothing.
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", isolate: false },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/state-machines.test.ts", "tests/integration/job-state.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/setup/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
