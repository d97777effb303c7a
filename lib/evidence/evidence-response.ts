import "server-only";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { renderEvidencePdf } from "./render-evidence-pdf";
import type { getEvidencePack } from "./create-evidence-pack";

/** The three files of a pack, by the name they download as. */
export const evidenceFileSchema = z.enum(["evidence.pdf", "evidence.json", "evidence.json.jws"]);
export type EvidenceFile = z.infer<typeof evidenceFileSchema>;

export const JWKS_PATH = "/.well-known/jwks.json";

/** One file of a stored pack as a download; the JSON goes out byte for byte as it was signed. */
export async function evidenceFileResponse(
  row: Awaited<ReturnType<typeof getEvidencePack>>,
  file: EvidenceFile,
): Promise<Response> {
  const stem = `crosskey-evidence-${row.pack.customer.name.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}-${row.createdAt.toISOString().slice(0, 10)}`;
  const headers = (type: string, name: string) => ({
    "content-type": type,
    "content-disposition": `attachment; filename="${stem}${name}"`,
    "cache-control": "private, no-store",
  });
  if (file === "evidence.json")
    return new Response(row.json, { headers: headers("application/json; charset=utf-8", ".json") });
  if (file === "evidence.json.jws")
    return new Response(row.signature, {
      headers: headers("application/jose; charset=us-ascii", ".json.jws"),
    });
  const pdf = await renderEvidencePdf(row.pack, {
    jwksUrl: `${getEnv().APP_BASE_URL.replace(/\/+$/, "")}${JWKS_PATH}`,
  });
  return new Response(Buffer.from(pdf), { headers: headers("application/pdf", ".pdf") });
}
