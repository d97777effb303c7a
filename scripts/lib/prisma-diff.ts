import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const TOOL_DIR = path.join(ROOT, "tools/prisma-diff");
const SCHEMA = path.join(ROOT, "prisma/schema.prisma");

/** Full SQL for schema.prisma from an empty database. `anyUrl`: any reachable PostgreSQL (only its version is read). */
export async function diffEmptyToSchema(anyUrl: string): Promise<string> {
  return prismaDiff(anyUrl, ["--from-empty"], await fs.readFile(SCHEMA, "utf8"));
}

/** SQL that turns a database of `fromSchema` (schema text, e.g. from git) into today's schema.prisma. */
export async function diffSchemaToSchema(anyUrl: string, fromSchema: string): Promise<string> {
  await writeWorkSchema("from.v6.prisma", fromSchema);
  return prismaDiff(
    anyUrl,
    ["--from-schema-datamodel", ".work/from.v6.prisma"],
    await fs.readFile(SCHEMA, "utf8"),
  );
}

// Prisma 6 wants the URL in the schema and has no use for Prisma 7's generator settings.
async function writeWorkSchema(name: string, schema: string): Promise<void> {
  const workDir = path.join(TOOL_DIR, ".work");
  await fs.mkdir(workDir, { recursive: true });
  const v6 = schema
    .replace(/generator\s+\w+\s*\{[^}]*\}/g, "")
    .replace(/datasource db \{([^}]*)\}/, 'datasource db {$1  url = env("DATABASE_URL")\n}');
  await fs.writeFile(path.join(workDir, name), v6);
}

async function prismaDiff(databaseUrl: string, from: string[], toSchema: string): Promise<string> {
  await ensureTool();
  await writeWorkSchema("schema.v6.prisma", toSchema);
  const { stdout } = await run(
    process.execPath,
    [
      path.join(TOOL_DIR, "node_modules/prisma/build/index.js"),
      "migrate",
      "diff",
      ...from,
      "--to-schema-datamodel",
      ".work/schema.v6.prisma",
      "--script",
    ],
    {
      cwd: TOOL_DIR,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        // Prisma 6 insists on a query engine file existing although the JS engine never loads it.
        PRISMA_QUERY_ENGINE_LIBRARY: path.join(TOOL_DIR, "package.json"),
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

async function ensureTool(): Promise<void> {
  const present = await fs.access(path.join(TOOL_DIR, "node_modules/prisma/build/index.js")).then(
    () => true,
    () => false,
  );
  if (present) return;
  await run("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: TOOL_DIR,
    maxBuffer: 16 * 1024 * 1024,
    env: withoutLoopbackProxy(process.env),
  });
}

/**
 * The test stacks point HTTPS_PROXY at the emulator's proxy mode, which answers only for Azure's hosts; the
 * tool's install must reach the npm registry as `npm install` did. A real (non-loopback) proxy is kept.
 */
function withoutLoopbackProxy(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]) {
    const value = copy[name];
    if (value && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/?$/i.test(value)) delete copy[name];
  }
  return copy;
}
