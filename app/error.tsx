"use client";

import { Button } from "@/components/ui/button";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24 text-center">
      <h1 className="text-2xl font-bold text-slate-900">Something went wrong on our side</h1>
      <p className="mt-3 text-slate-600">
        Nothing you entered was lost. Try again; if it keeps happening, give support this reference:
      </p>
      <p className="mt-2 font-mono text-sm text-slate-800">{error.digest ?? "no reference"}</p>
      <Button className="mt-6" onClick={reset}>
        Try again
      </Button>
    </main>
  );
}
