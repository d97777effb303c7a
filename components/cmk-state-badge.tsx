import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { CmkState, JobState } from "@/lib/generated/prisma/enums";

const CMK: Record<CmkState, { tone: Tone; word: string }> = {
  MICROSOFT_MANAGED: { tone: "neutral", word: "Microsoft-managed" },
  PENDING: { tone: "info", word: "Pending" },
  APPLYING: { tone: "info", word: "Applying" },
  APPLIED: { tone: "success", word: "Applied" },
  DRIFTED: { tone: "warning", word: "Drifted" },
  FAILED: { tone: "danger", word: "Failed" },
  REVERTING: { tone: "info", word: "Reverting" },
};

const JOB: Record<JobState, { tone: Tone; word: string }> = {
  AWAITING_APPROVAL: { tone: "warning", word: "Awaiting approval" },
  QUEUED: { tone: "neutral", word: "Queued" },
  RUNNING: { tone: "info", word: "Running" },
  WAITING_ON_AZURE: { tone: "info", word: "Waiting on Azure" },
  PAUSED: { tone: "warning", word: "Paused" },
  CANCELLING: { tone: "info", word: "Cancelling" },
  SUCCEEDED: { tone: "success", word: "Succeeded" },
  FAILED: { tone: "danger", word: "Failed" },
  CANCELLED: { tone: "neutral", word: "Cancelled" },
};

export function CmkStateBadge({ state }: { state: CmkState }) {
  return <StatusBadge tone={CMK[state].tone}>{CMK[state].word}</StatusBadge>;
}

export function JobStateBadge({ state }: { state: JobState }) {
  return <StatusBadge tone={JOB[state].tone}>{JOB[state].word}</StatusBadge>;
}
