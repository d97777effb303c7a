"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";

type Result = { ok: true; packId: string } | { ok: false; error: string };

/** Prepares a signed evidence pack and offers its three files; shared by the console and the customer page. */
export function EvidencePackButton({
  generate,
  basePath,
}: {
  generate: () => Promise<Result>;
  basePath: string;
}) {
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => start(async () => setResult(await generate()))}
      >
        {pending ? "Preparing and signing…" : "Prepare evidence pack"}
      </Button>
      <div role="status" aria-live="polite" className="text-sm">
        {result?.ok === false && <p className="text-red-700">{result.error}</p>}
        {result?.ok && <EvidenceLinks basePath={basePath} packId={result.packId} />}
      </div>
    </div>
  );
}

export function EvidenceLinks({ basePath, packId }: { basePath: string; packId: string }) {
  const link = "font-medium text-brand-700 hover:underline";
  return (
    <p className="flex flex-wrap gap-x-4 gap-y-1">
      <span className="text-slate-600">Ready:</span>
      <a className={link} href={`${basePath}/${packId}/evidence.pdf`} download>
        PDF
      </a>
      <a className={link} href={`${basePath}/${packId}/evidence.json`} download>
        JSON
      </a>
      <a className={link} href={`${basePath}/${packId}/evidence.json.jws`} download>
        Signature (JWS)
      </a>
      <a className={link} href="/.well-known/jwks.json">
        Public key (JWKS)
      </a>
    </p>
  );
}
