import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeInviteLanding, type InviteLandingData } from "../../../lib/onboarding/invite-landing-data";
import { signInviteLanding, verifyInviteLanding } from "../../../lib/onboarding/open-invite-page";
import { ONBOARD_ROUTES, scriptFreeInviteToken } from "../../../proxy";

const TOKEN = "nf-XsABJM5HXblolgCNbKmaDru49XYmES4hQgQNi1FE";
const firstVisit = {
  method: "GET",
  pathname: `/onboard/${TOKEN}`,
  headers: new Headers(),
  hasCustomerCookie: false,
};

describe("[onboarding] which requests the script-free invite page answers (proxy.ts)", () => {
  it("a plain first visit to an invite link, and nothing else", () => {
    expect(scriptFreeInviteToken(firstVisit)).toBe(TOKEN);
    // A malformed token too: its 404 is counted as a miss there as well.
    expect(scriptFreeInviteToken({ ...firstVisit, pathname: "/onboard/abc" })).toBe("abc");
    expect(scriptFreeInviteToken({ ...firstVisit, method: "HEAD" })).toBe(TOKEN);
  });

  it("a signed-in customer, a server action, an App Router navigation or another path go to the App Router", () => {
    expect(scriptFreeInviteToken({ ...firstVisit, hasCustomerCookie: true })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, method: "POST" })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, headers: new Headers({ "next-action": "x" }) })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, headers: new Headers({ rsc: "1" }) })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, pathname: `/onboard/${TOKEN}/sign-in` })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, pathname: "/onboard" })).toBeNull();
    expect(scriptFreeInviteToken({ ...firstVisit, pathname: `/console/${TOKEN}` })).toBeNull();
    for (const route of ONBOARD_ROUTES)
      expect(scriptFreeInviteToken({ ...firstVisit, pathname: `/onboard/${route}` })).toBeNull();
  });

  it("knows every page the App Router has under /onboard/", () => {
    const dirs = fs
      .readdirSync(path.resolve(import.meta.dirname, "../../../app/onboard"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("[") && !d.name.startsWith("_"))
      .map((d) => d.name);
    expect([...ONBOARD_ROUTES].sort()).toEqual(dirs.sort());
  });
});

describe("[security] the landing the proxy hands to the page is signed for its path", () => {
  const secret = "s".repeat(48);
  const landing: InviteLandingData = {
    kind: "landing",
    isvName: "Fabrikam Cloud",
    token: TOKEN,
    view: {
      customerName: "Adatum — Zürich",
      pinnedTenant: null,
      expiresAt: "2026-12-16T00:00:00.000Z",
      state: "INVITED",
    },
  };
  const page = `/onboard-landing/${TOKEN}`;

  it("reads back what was signed", () => {
    const header = signInviteLanding(page, landing, secret);
    expect(verifyInviteLanding(page, header, secret)).toBe(true);
    expect(decodeInviteLanding(header)).toEqual(landing);
  });

  it("refuses a header for another path, changed data, another secret or no signature", () => {
    const header = signInviteLanding(page, landing, secret);
    expect(verifyInviteLanding(`/onboard-landing/${"A".repeat(43)}`, header, secret)).toBe(false);
    expect(verifyInviteLanding(page, header, "t".repeat(48))).toBe(false);
    const forged = signInviteLanding(page, { kind: "not-found" }, secret).split(".")[0];
    expect(verifyInviteLanding(page, `${forged}.${header.split(".")[1]}`, secret)).toBe(false);
    expect(verifyInviteLanding(page, header.split(".")[0]!, secret)).toBe(false);
    expect(verifyInviteLanding(page, `${header}x`, secret)).toBe(false);
  });

  it("a page reached without a header shows the 404", () => {
    expect(decodeInviteLanding(undefined)).toEqual({ kind: "not-found" });
  });
});
