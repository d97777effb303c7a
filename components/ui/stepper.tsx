export interface Step {
  label: string;
  status: "done" | "current" | "upcoming" | "blocked";
}

// Each marker's text keeps at least 4.5:1 against its fill (WCAG 1.4.3); the status is also in words.
const marker: Record<Step["status"], string> = {
  done: "bg-emerald-700 text-white",
  current: "bg-brand-600 text-white",
  upcoming: "bg-white text-slate-600 ring-1 ring-slate-500",
  blocked: "bg-red-700 text-white",
};

/** A horizontal progress indicator; the current step is announced to screen readers. */
export function Stepper({ steps }: { steps: Step[] }) {
  return (
    <ol className="flex flex-wrap items-center gap-x-2 gap-y-3" aria-label="Progress">
      {steps.map((step, i) => (
        <li
          key={step.label}
          className="flex items-center gap-2"
          aria-current={step.status === "current" ? "step" : undefined}
        >
          <span
            aria-hidden
            className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${marker[step.status]}`}
          >
            {step.status === "done" ? "✓" : step.status === "blocked" ? "!" : i + 1}
          </span>
          <span
            className={`text-sm ${step.status === "current" ? "font-semibold text-slate-900" : "text-slate-600"}`}
          >
            {step.label}
            <span className="sr-only"> ({step.status})</span>
          </span>
          {i < steps.length - 1 && <span aria-hidden className="mx-1 h-px w-6 bg-slate-300" />}
        </li>
      ))}
    </ol>
  );
}
