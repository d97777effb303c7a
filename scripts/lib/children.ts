import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import readline from "node:readline";

const children = new Set<ChildProcess>();
let stopping = false;

/** Starts a child process whose output lines are prefixed with its name. */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): ChildProcess {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  for (const stream of [child.stdout, child.stderr]) {
    if (stream)
      readline.createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
  return child;
}

/** Runs a command to completion, streaming its output; rejects with its exit code. */
export function runToCompletion(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = startChild(name, command, args, env, cwd);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} exited with code ${code}`)),
    );
  });
}

/** What startSupervised returns: the process running now, and a way to stop restarting it. */
export interface Supervised {
  current(): ChildProcess;
  /** Restarts so far. */
  restarts(): number;
  /** Stops supervising and sends SIGTERM; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a child and starts it again whenever it exits unasked (a crash, an OOM kill, SIGKILL), after a
 * backoff of 1 s doubling to 30 s; a child that ran for a minute starts the backoff over.
 */
export function startSupervised(
  name: string,
  start: () => ChildProcess,
  say: (line: string) => void,
): Supervised {
  let child = start();
  let restarts = 0;
  let delayMs = 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const watch = (watched: ChildProcess) => {
    const startedAt = Date.now();
    watched.once("exit", (code, signal) => {
      if (stopped || stopping) return;
      if (Date.now() - startedAt > 60_000) delayMs = 1000;
      say(`${name} exited (${signal ?? `code ${code}`}); starting it again in ${delayMs / 1000} s`);
      timer = setTimeout(() => {
        if (stopped || stopping) return;
        child = start();
        restarts++;
        watch(child);
      }, delayMs);
      delayMs = Math.min(delayMs * 2, 30_000);
    });
  };
  watch(child);
  return {
    current: () => child,
    restarts: () => restarts,
    async stop(graceMs = 5000) {
      stopped = true;
      clearTimeout(timer);
      await stopChild(child, graceMs);
    },
  };
}

/** SIGTERM to every child, SIGKILL to those still alive after `graceMs`. Supervised children stay down. */
export async function stopChildren(graceMs = 5000): Promise<void> {
  stopping = true;
  const alive = [...children];
  await Promise.all(alive.map((child) => stopChild(child, graceMs)));
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Waits until `url` answers below 500. `caFile` trusts a self-signed server (NODE_EXTRA_CA_CERTS is read only at start). */
export async function waitForHttp(url: string, timeoutMs: number, caFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ca = caFile ? fs.readFileSync(caFile) : undefined;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const status = await statusOf(url, ca);
      if (status < 500) return;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}

function statusOf(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith("https:") ? https : http).get(url, { ca, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}
