import type { CmkFailure } from "@/lib/cmk/types";

/** A failed job in Azure's words and ours: what happened, what to do, and Azure's code and message. */
export function JobError({ error }: { error: CmkFailure }) {
  return (
    <p className="text-red-800">
      {error.what} <span className="text-slate-700">{error.todo}</span>{" "}
      <span className="font-mono text-xs text-slate-600">
        ({error.code}: {error.message})
      </span>
    </p>
  );
}
