import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// Prisma 6's WASM schema engine through the pg adapter: the only migrate engine that runs offline here.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: ".work/schema.v6.prisma",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 200 }),
});
