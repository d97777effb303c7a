import type { AppErrorCode } from "@/lib/errors";
import type { OnboardingState } from "@/lib/generated/prisma/enums";

/**
 * What the script-free invite page (pages/onboard-landing/[token].tsx) renders, as proxy.ts read it for the
 * request (`readInviteLanding`) and handed it over in a request header, signed (`signInviteLanding`). Plain data: no server-only import, so
 * the Pages Router may load this module.
 */
export type InviteLandingData =
  | {
      kind: "landing";
      isvName: string;
      token: string;
      view: { customerName: string; pinnedTenant: string | null; expiresAt: string; state: OnboardingState };
    }
  | { kind: "problem"; isvName: string; code: AppErrorCode; message: string }
  | { kind: "not-found" };

/** The request header that carries it; proxy.ts removes any copy a client sent before setting its own. */
export const INVITE_LANDING_HEADER = "x-crosskey-invite-landing";

export function encodeInviteLanding(data: InviteLandingData): string {
  return Buffer.from(JSON.stringify(data), "utf8").toString("base64url");
}

/**
 * The landing the proxy handed over (its signature was checked by the proxy: `verifyInviteLanding`), or
 * "not-found" when there is none.
 */
export function decodeInviteLanding(header: string | string[] | undefined): InviteLandingData {
  if (typeof header !== "string" || header === "") return { kind: "not-found" };
  const body = header.slice(0, header.includes(".") ? header.lastIndexOf(".") : undefined);
  return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as InviteLandingData;
}
