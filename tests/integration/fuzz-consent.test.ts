import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerSession } from "../../lib/auth/session";
import { isAppError } from "../../lib/errors";
import { handleConsentCallback } from "../../lib/onboarding/admin-consent";
import { openInvite } from "../../lib/onboarding/open-invite";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const session: CustomerSession = {
  sid: "fuzz-session",
  onboardingId: "00000000-0000-4000-8000-000000000000",
  inviteToken: "x".repeat(43),
  tid: "c0000000-0000-4000-8000-00000000c001",
  oid: "o",
  upn: "fuzz@contoso.onmicrosoft.com",
  name: "Fuzz",
};

/**
 * Property-based fuzzing of the public entry points that read the database: the consent callback's query and
 * invite tokens. Whatever arrives, the answer is a refusal that changes nothing, never a crash.
 */
describe("[security] fuzzing the consent callback and invite tokens", () => {
  it("consent callbacks with generated parameters are refused and change nothing", async () => {
    let tried = 0;
    const onboardingsBefore = await t.db.tenantOnboarding.count({ where: { state: "CONSENTED" } });
    const param = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 5000 }), fc.uuid());
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            "state",
            "tenant",
            "admin_consent",
            "scope",
            "error",
            "error_description",
            "error_subcode",
            "other",
          ),
          param,
        ),
        fc.boolean(),
        async (query, withSession) => {
          tried++;
          const outcome = await handleConsentCallback(t.db, {
            query: new URLSearchParams(query),
            session: withSession ? session : null,
            // One address per input: the miss budget is tested elsewhere; here every input reaches the parser.
            address: `fuzz-${tried}`,
          });
          expect(outcome.kind).toBe("rejected");
        },
      ),
      { numRuns: 400 },
    );
    expect(await t.db.tenantOnboarding.count({ where: { state: "CONSENTED" } })).toBe(onboardingsBefore);
    expect(await t.db.consentRequest.count({ where: { usedAt: { not: null } } })).toBe(0);
    console.log(`[fuzz] consent callback: ${tried} generated queries, all refused, nothing changed`);
    // 400 database round trips: about 17 s on a quiet machine, past the tier's 30 s on a loaded one.
  }, 120_000);

  it("generated invite tokens are refused with a clear not-found, never a crash", async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)),
        async (token) => {
          tried++;
          const refusal = await openInvite(t.db, token).then(
            () => "opened",
            (error: unknown) => (isAppError(error) ? error.code : "crash"),
          );
          expect(refusal).toBe("NOT_FOUND");
        },
      ),
      { numRuns: 500 },
    );
    console.log(`[fuzz] invite tokens: ${tried} generated, all refused`);
  });
});
