import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { RunState } from "@/lib/generated/prisma/enums";

const RUN: Record<RunState, { tone: Tone; word: string }> = {
  AWAITING_APPROVAL: { tone: "warning", word: "Awaiting approval" },
  RUNNING: { tone: "info", word: "Running" },
  PAUSED: { tone: "warning", word: "Paused" },
  CANCELLING: { tone: "info", word: "Cancelling" },
  CANCELLED: { tone: "neutral", word: "Cancelled" },
  FINISHED: { tone: "success", word: "Finished" },
  DECLINED: { tone: "neutral", word: "Declined" },
};

export function RunStateBadge({ state }: { state: RunState }) {
  return (
    <span data-testid="run-state" data-state={state}>
      <StatusBadge tone={RUN[state].tone}>{RUN[state].word}</StatusBadge>
    </span>
  );
}
