import { createHash, randomBytes, randomUUID } from "node:crypto";

export const newId = (): string => randomUUID();

/** A stable GUID derived from a seed, so objects implied by the world file keep their ids across restarts. */
export function stableId(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  const variant = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");

/** Entra's timestamp format in error bodies: `2016-01-09 02:02:12Z`. */
export const entraTimestamp = (d: Date): string => `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;

export const isGuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
