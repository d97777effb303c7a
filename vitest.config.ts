import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // `server-only` throws outside React Server Components; tests call lib/ directly, as the server would.
  "server-only": path.resolve(import.meta.dirname, "tests/helpers/server-only-stub.ts"),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: ["tests/integration/azure/**"],
          environment: "node",
          globalSetup: ["tests/integration/setup/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores: files run two at a time, each in its own database cloned from a migrated template.
          maxWorkers: 2,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration-azure",
          include: ["tests/integration/azure/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/setup/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One emulator holds the tenants these files change (consent, vaults, roles): one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
