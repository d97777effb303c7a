import { Card } from "@/components/ui/card";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { ServiceVerdict, Verdict } from "@/lib/keys/compatibility";

const LOOK: Record<Verdict, { tone: Tone; word: string }> = {
  compatible: { tone: "success", word: "Fits" },
  compatible_with_notes: { tone: "success", word: "Fits (see note)" },
  incompatible: { tone: "danger", word: "Does not fit" },
  unknown_until_verified: { tone: "neutral", word: "Checked after verification" },
};

/** For each service that will use the key: does this key fit its rules, before anything is configured. */
export function CompatibilityTable({ verdicts }: { verdicts: ServiceVerdict[] }) {
  if (verdicts.length === 0) return null;
  return (
    <Card title="Fit with the services that will use this key">
      <ul className="divide-y divide-slate-100">
        {verdicts.map((v) => (
          <li
            key={v.service}
            className="flex flex-col gap-1 py-2.5 sm:flex-row sm:gap-4"
            data-service={v.service}
            data-verdict={v.verdict}
          >
            <div className="shrink-0 sm:w-64">
              <p className="text-sm font-medium text-slate-900">{v.label}</p>
              <StatusBadge tone={LOOK[v.verdict].tone}>{LOOK[v.verdict].word}</StatusBadge>
            </div>
            <ul className="text-sm text-slate-700">
              {v.reasons.map((r) => (
                <li key={r} className="text-red-800">
                  {r}
                </li>
              ))}
              {v.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </Card>
  );
}
