import { defineConfig } from "prisma/config";

// Used by the Prisma CLI (generate; migrate commands where the schema engine can be downloaded).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/crosskey" },
});
