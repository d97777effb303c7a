import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** A per-machine secret kept in .data (never in the repo), created on first use. */
export async function localSecret(dataDir: string, name: string): Promise<string> {
  const file = path.join(dataDir, `${name}.secret`);
  const existing = await fs.readFile(file, "utf8").catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const value = crypto.randomBytes(48).toString("base64url");
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, value, { mode: 0o600 });
  return value;
}
