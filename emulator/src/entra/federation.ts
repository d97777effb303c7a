import { decodeJwt, errors as joseErrors } from "jose";
import type { Emulator } from "../emulator.js";
import type { Application, FederatedIdentityCredential } from "../core/directory.js";
import { TOKEN_EXCHANGE_APP_ID, TOKEN_EXCHANGE_AUDIENCE } from "../core/first-party.js";
import { AadError } from "./errors.js";

const CASE_NOTE =
  "Please note that the matching is done using a case-sensitive comparison. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation";

// Managed identity tokens carry the token-exchange app id as `aud`, while credentials name its URI.
const audienceMatches = (fic: FederatedIdentityCredential, aud: string): boolean =>
  fic.audiences.some((a) => a === aud || (a === TOKEN_EXCHANGE_AUDIENCE && aud === TOKEN_EXCHANGE_APP_ID));

/**
 * Workload identity federation (docs/azure-contracts.md §2.3, §2.5): the assertion must match one federated
 * credential of the app exactly (issuer, subject, audience), be inside its validity window per the
 * emulator clock, and carry a valid signature from its issuer (this emulator).
 */
export async function validateFederatedAssertion(
  emu: Emulator,
  app: Application,
  assertion: string,
): Promise<void> {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw new AadError("invalid_request", 50027, "JWT token is invalid or malformed.");
  }
  const iss = String(claims.iss ?? "");
  const sub = String(claims.sub ?? "");
  const aud = Array.isArray(claims.aud) ? String(claims.aud[0] ?? "") : String(claims.aud ?? "");
  const fics = app.federatedIdentityCredentials;
  if (!fics.some((f) => f.issuer === iss && f.subject === sub && audienceMatches(f, aud))) {
    throw mismatch(fics, { iss, sub, aud });
  }
  const now = emu.clock.nowSeconds();
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (now >= exp || now < nbf - 300) {
    const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, ".0000000Z");
    throw new AadError(
      "invalid_client",
      700024,
      `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    );
  }
  try {
    await emu.tokens.verify(assertion);
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return; // time was judged above, with Entra's 5-minute skew
    throw new AadError(
      "invalid_client",
      700027,
      "Client assertion failed signature validation. Trace: the signature does not verify with any key published by the assertion issuer.",
    );
  }
}

/** The most specific mismatch against the closest credential, as Entra reports it (issuer, then subject, then audience). */
function mismatch(
  fics: FederatedIdentityCredential[],
  a: { iss: string; sub: string; aud: string },
): AadError {
  const scored = fics.map((f) => ({
    iss: f.issuer === a.iss,
    sub: f.subject === a.sub,
    aud: audienceMatches(f, a.aud),
    subjectCaseOnly: f.subject !== a.sub && f.subject.toLowerCase() === a.sub.toLowerCase(),
  }));
  const best = scored.sort(
    (x, y) => Number(y.iss) + Number(y.sub) + Number(y.aud) - (Number(x.iss) + Number(x.sub) + Number(x.aud)),
  )[0];
  if (!best || (!best.iss && !best.sub && !best.aud)) {
    return new AadError(
      "invalid_request",
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${a.iss}'. Assertion Subject: '${a.sub}'. Assertion Audience: '${a.aud}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    );
  }
  if (!best.iss)
    return new AadError(
      "invalid_client",
      700211,
      `No matching federated identity record found for presented assertion issuer '${a.iss}'. ${CASE_NOTE}`,
    );
  // Since August 2024 Entra compares subjects case-sensitively and says so when only the case differs (the
  // AADSTS7002138 text as quoted in public reports; not in Microsoft's error reference: COVERAGE.md).
  if (!best.sub && best.subjectCaseOnly)
    return new AadError(
      "invalid_client",
      7002138,
      `No matching federated identity record found for presented assertion subject '${a.sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`,
    );
  if (!best.sub)
    return new AadError(
      "invalid_client",
      700213,
      `No matching federated identity record found for presented assertion subject '${a.sub}'. ${CASE_NOTE}`,
    );
  return new AadError(
    "invalid_client",
    700212,
    `No matching federated identity record found for presented assertion audience '${a.aud}'. ${CASE_NOTE}`,
  );
}
