import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { KeyHealth } from "@/lib/generated/prisma/enums";

const LOOK: Record<KeyHealth, { tone: Tone; label: string }> = {
  UNKNOWN: { tone: "neutral", label: "not checked yet" },
  HEALTHY: { tone: "success", label: "healthy" },
  WARNING: { tone: "warning", label: "needs attention" },
  UNREACHABLE: { tone: "danger", label: "unreachable" },
};

export function KeyHealthBadge({ health }: { health: KeyHealth }) {
  return <StatusBadge tone={LOOK[health].tone}>{LOOK[health].label}</StatusBadge>;
}

export const describeHealth = (health: KeyHealth) => LOOK[health].label;
