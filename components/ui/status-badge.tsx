export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

/** A state in a word and a colour; the looks are `.badge` and `.badge-{tone}` in app/globals.css. */
export function StatusBadge({ tone, children }: { tone: Tone; children: React.ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
