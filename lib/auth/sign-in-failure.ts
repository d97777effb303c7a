import "server-only";
import { isAppError } from "@/lib/errors";

/** Why an operator sign-in failed, as a code the failure page words (app/signin-failed). */
export const SIGN_IN_FAILURES = {
  entra: "Microsoft's sign-in page reported an error, or the sign-in was cancelled.",
  malformed: "The answer from the sign-in page was incomplete.",
  session: "This sign-in started in another browser or took too long. Start again.",
  other_org: "You signed in to a different organization than Crosskey expects.",
  failed: "The sign-in could not be completed.",
} as const;

export type SignInFailure = keyof typeof SIGN_IN_FAILURES;

export function signInFailureCode(error: unknown): SignInFailure {
  if (!isAppError(error)) return "failed";
  if (error.azureCode) return "entra";
  if (error.code === "BAD_REQUEST") return "malformed";
  if (error.code === "FORBIDDEN") return "other_org";
  if (error.code === "UNAUTHENTICATED") return "session";
  return "failed";
}
