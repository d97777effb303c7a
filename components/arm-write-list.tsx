import type { ArmWrite } from "@/lib/cmk/types";

/** The exact ARM writes of a plan, each in one sentence, with the request itself one click away. */
export function ArmWriteList({ steps, className = "" }: { steps: ArmWrite[]; className?: string }) {
  return (
    <ol className={`list-decimal space-y-2 pl-5 ${className}`}>
      {steps.map((s, i) => (
        <li key={i}>
          <p>{s.description}</p>
          <details>
            <summary className="cursor-pointer text-xs text-slate-600">
              {s.method} {s.id.split("/providers/")[1]} (api-version {s.apiVersion})
            </summary>
            <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-900 p-2 font-mono text-[11px] text-slate-100">
              {JSON.stringify(s.body, null, 2)}
            </pre>
          </details>
        </li>
      ))}
    </ol>
  );
}
