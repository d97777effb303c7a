import { describe, expect, it } from "vitest";
import { canTransition, ONBOARDING_TRANSITIONS } from "../../../lib/onboarding/state-machine";
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
