import { describe, expect, it } from "vitest";
import type { OnboardingState } from "../../../lib/generated/prisma/enums";
import { canTransition, describeState, ONBOARDING_TRANSITIONS } from "../../../lib/onboarding/state-machine";
import { classifyConsentError } from "../../../lib/onboarding/admin-consent";

describe("[onboarding] state machine", () => {
  it("follows the happy path invited → signed in → consented → key submitted → key verified → applied → healthy", () => {
    const path = [
      "INVITED",
      "SIGNED_IN",
      "CONSENTED",
      "KEY_SUBMITTED",
      "KEY_VERIFIED",
      "APPLIED",
      "HEALTHY",
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it("refuses to skip consent or to verify a key that was never submitted", () => {
    expect(canTransition("INVITED", "CONSENTED")).toBe(false);
    expect(canTransition("SIGNED_IN", "KEY_SUBMITTED")).toBe(false);
    expect(canTransition("CONSENTED", "KEY_VERIFIED")).toBe(false);
  });

  it("makes REVOKED final", () => {
    expect(ONBOARDING_TRANSITIONS.REVOKED).toEqual([]);
  });

  it("lets a customer replace a verified key, which sends the onboarding back to verification", () => {
    expect(canTransition("KEY_VERIFIED", "KEY_SUBMITTED")).toBe(true);
    expect(canTransition("HEALTHY", "KEY_SUBMITTED")).toBe(true);
  });
});

const STATES: OnboardingState[] = [
  "INVITED",
  "SIGNED_IN",
  "CONSENTED",
  "KEY_SUBMITTED",
  "KEY_VERIFIED",
  "APPLIED",
  "HEALTHY",
  "KEY_UNREACHABLE",
  "REVOKED",
  "FAILED",
];

/** The lifecycle as the product promises it: every allowed move, and why. Anything else is refused. */
const ALLOWED: Record<OnboardingState, OnboardingState[]> = {
  // The admin opens the link and signs in; the operator can withdraw the invite.
  INVITED: ["SIGNED_IN", "REVOKED"],
  // Signing in again is harmless; consent may succeed or fail.
  SIGNED_IN: ["SIGNED_IN", "CONSENTED", "REVOKED", "FAILED"],
  CONSENTED: ["KEY_SUBMITTED", "REVOKED", "FAILED"],
  // A new key replaces the pending one; verification passes, or the consent turns out to be gone.
  KEY_SUBMITTED: ["KEY_SUBMITTED", "KEY_VERIFIED", "CONSENTED", "FAILED", "REVOKED"],
  KEY_VERIFIED: ["KEY_SUBMITTED", "APPLIED", "KEY_UNREACHABLE", "REVOKED"],
  APPLIED: ["HEALTHY", "KEY_UNREACHABLE", "KEY_SUBMITTED", "REVOKED"],
  HEALTHY: ["KEY_UNREACHABLE", "KEY_SUBMITTED", "REVOKED"],
  // An unreachable key recovers, is re-verified or replaced, or the customer leaves or gives up.
  KEY_UNREACHABLE: ["HEALTHY", "KEY_VERIFIED", "KEY_SUBMITTED", "REVOKED", "FAILED"],
  REVOKED: [],
  // A failed onboarding is retried from sign-in, consent or a new key.
  FAILED: ["SIGNED_IN", "CONSENTED", "KEY_SUBMITTED"],
};

describe("[onboarding] every transition, allowed and refused", () => {
  it.each(STATES)("from %s exactly the promised moves are possible", (from) => {
    const possible = STATES.filter((to) => canTransition(from, to));
    expect(possible).toEqual(STATES.filter((to) => ALLOWED[from].includes(to)));
  });

  it("the table names every state, and each allowed move once", () => {
    expect(Object.keys(ONBOARDING_TRANSITIONS).sort()).toEqual([...STATES].sort());
    for (const from of STATES)
      expect(new Set(ONBOARDING_TRANSITIONS[from]).size).toBe(ONBOARDING_TRANSITIONS[from].length);
  });

  it("describes every state in the words the customer and the operator read", () => {
    expect(STATES.map(describeState)).toEqual([
      "invited",
      "signed in",
      "consented",
      "waiting for key verification",
      "key verified",
      "key applied to resources",
      "healthy",
      "key unreachable",
      "revoked",
      "failed",
    ]);
  });
});

describe("[consent] Entra's failure redirects mapped to what the admin sees", () => {
  it.each([
    ["access_denied", "AADSTS65004: User declined to consent", "cancel", "cancelled"],
    [
      "consent_required",
      "AADSTS65004: The resource owner or authorization server denied the request.",
      "",
      "cancelled",
    ],
    ["access_denied", "AADSTS90094: The grant requires admin permission.", "", "not_admin"],
    [
      "invalid_request",
      "AADSTS90094: Admin consent is required for the permissions requested.",
      "",
      "not_admin",
    ],
    [
      "invalid_request",
      "AADSTS50011: The redirect URI specified in the request does not match.",
      "",
      "bad_redirect",
    ],
    [
      "unauthorized_client",
      "AADSTS700016: Application with identifier was not found in the directory",
      "",
      "unknown_app",
    ],
    ["server_error", "AADSTS90002: Tenant not found", "", "other"],
  ])("%s / %s → %s", (error, description, subcode, expected) => {
    expect(classifyConsentError(error, description, subcode)).toBe(expected);
  });
});
