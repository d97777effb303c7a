import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { describeState } from "@/lib/onboarding/state-machine";

const TONES: Record<OnboardingState, Tone> = {
  INVITED: "neutral",
  SIGNED_IN: "info",
  CONSENTED: "info",
  KEY_SUBMITTED: "warning",
  KEY_VERIFIED: "success",
  APPLIED: "success",
  HEALTHY: "success",
  KEY_UNREACHABLE: "danger",
  REVOKED: "neutral",
  FAILED: "danger",
};

export function OnboardingStateBadge({ state }: { state: OnboardingState }) {
  return <StatusBadge tone={TONES[state]}>{describeState(state)}</StatusBadge>;
}
