import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEMO_PASSWORD } from "../../../scripts/lib/emulated-customer";

export interface ScriptRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The identifiers the script prints last, for the customer to paste. */
  versionedKeyId?: string;
  versionlessKeyId?: string;
}

/**
 * Runs a generated customer script in bash, exactly as shown, with the az stand-in (./az) first on PATH:
 * every `az` line becomes real requests to the emulator, signed in as `upn` of the demo world.
 */
export async function runGeneratedScript(
  script: string,
  o: {
    emulatorUrl: string;
    upn: string;
    subscriptionId: string;
    /** What `az version` reports (the stand-in's default is current). */
    azVersion?: string;
    /** Sign in with this password instead of the demo one (a failed `az login`). */
    password?: string;
  },
): Promise<ScriptRun> {
  const configDir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-az-"));
  try {
    const child = spawn("bash", ["-s"], {
      env: {
        ...process.env,
        PATH: `${import.meta.dirname}:${process.env.PATH}`,
        AZURE_CONFIG_DIR: configDir,
        AZ_STANDIN_EMULATOR: o.emulatorUrl,
        AZ_STANDIN_USER: o.upn,
        AZ_STANDIN_PASSWORD: o.password ?? DEMO_PASSWORD,
        ...(o.azVersion ? { AZ_STANDIN_VERSION: o.azVersion } : {}),
        AZ_STANDIN_SUBSCRIPTION: o.subscriptionId,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(script);
    const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return {
      exitCode,
      stdout,
      stderr,
      versionedKeyId: /pinned to this version\):\s+(\S+)/.exec(stdout)?.[1],
      versionlessKeyId: /follows new versions\):\s+(\S+)/.exec(stdout)?.[1],
    };
  } finally {
    await fs.rm(configDir, { recursive: true, force: true });
  }
}
