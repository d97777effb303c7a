import type { Step } from "@/components/ui/stepper";
import type { OnboardingState } from "@/lib/generated/prisma/enums";

/** Raised when the customer asks us to look for consent again: if it is there, the key step's heading takes focus. */
export const CONSENT_CHECKED_FLAG = "crosskey.consent-checked";
/** Raised when a key is submitted or verified again: when it turns out verified, that heading takes focus. */
export const KEY_SUBMITTED_FLAG = "crosskey.key-submitted";

const ORDER = ["Sign in", "Grant consent", "Create your key", "Verify the key", "Done"] as const;
// What the browser tab and a screen reader's page list call each step.
const TITLES = [
  "Sign in",
  "Grant admin consent",
  "Create your key",
  "Verify your key",
  "Key verified",
] as const;

/** Where each onboarding state puts the customer in the five visible steps. */
function currentIndex(state: OnboardingState, signedIn: boolean, keyStatus?: string): number {
  if (!signedIn) return 0;
  switch (state) {
    case "INVITED":
      return 0;
    case "SIGNED_IN":
    case "FAILED":
      return 1;
    case "CONSENTED":
      return 2;
    case "KEY_SUBMITTED":
      return keyStatus === "FAILED" ? 2 : 3;
    default:
      return 4;
  }
}

/**
 * "Done" is reached only when the ISV has applied the customer's key (APPLIED, then HEALTHY) and no replacement
 * key the customer handed over is still on its way (`handoverPending`).
 */
export function onboardingSteps(
  state: OnboardingState,
  signedIn: boolean,
  keyStatus?: string,
  handoverPending = false,
): Step[] {
  const current = currentIndex(state, signedIn, keyStatus);
  const finished = current === 4 && (state === "APPLIED" || state === "HEALTHY") && !handoverPending;
  return ORDER.map((label, i) => ({
    label,
    status:
      i < current || (finished && i === 4)
        ? "done"
        : i === current
          ? state === "KEY_UNREACHABLE"
            ? "blocked"
            : "current"
          : "upcoming",
  }));
}

/** The page title for where the customer is: each step has its own, so the tab and history tell them apart. */
export function stepTitle(state: OnboardingState, signedIn: boolean, keyStatus?: string): string {
  if (state === "REVOKED") return "Onboarding closed";
  if (state === "KEY_UNREACHABLE") return "Key unreachable";
  return `${TITLES[currentIndex(state, signedIn, keyStatus)]} · Connect your encryption key`;
}
