import type { Application, FederatedIdentityCredential } from "../core/directory.js";
import { GraphError, badRequest, invalidProperty } from "./errors.js";
import { z } from "zod";

export const MAX_FICS_PER_APP = 20;
const RESOURCE = "FederatedIdentityCredential";

export const ficBodySchema = z.object({
  name: z.string().optional(),
  issuer: z.string().optional(),
  subject: z.string().optional(),
  audiences: z.array(z.string()).optional(),
  description: z.string().nullable().optional(),
});
export type FicBody = z.infer<typeof ficBodySchema>;

/**
 * Graph's rules for federated identity credentials (docs/azure-contracts.md §2.5): name 3–120 URL-friendly
 * characters starting alphanumeric; issuer without surrounding whitespace; exactly one audience ≤ 600;
 * description ≤ 600. Wrong-but-well-formed values are accepted: they only fail at token exchange.
 */
export function validateFic(f: FicBody & { name: string }): void {
  if (f.name.length < 3 || f.name.length > 120 || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(f.name))
    throw invalidProperty("name", RESOURCE);
  if (!f.issuer || f.issuer.trim() !== f.issuer || f.issuer.length > 600 || !URL.canParse(f.issuer))
    throw invalidProperty("issuer", RESOURCE);
  if (!f.subject || f.subject.length > 600 || f.subject.trim() !== f.subject)
    throw invalidProperty("subject", RESOURCE);
  if (
    !f.audiences ||
    f.audiences.length !== 1 ||
    (f.audiences[0] ?? "").length === 0 ||
    (f.audiences[0] ?? "").length > 600
  ) {
    throw invalidProperty("audiences", RESOURCE);
  }
  if (f.description && f.description.length > 600) throw invalidProperty("description", RESOURCE);
}

/** Unique name and issuer+subject per application; at most 20 per application. */
export function checkCollection(
  app: Application,
  candidate: FederatedIdentityCredential,
  replacing?: FederatedIdentityCredential,
): void {
  const others = app.federatedIdentityCredentials.filter((f) => f !== replacing);
  if (others.some((f) => f.name.toLowerCase() === candidate.name.toLowerCase())) {
    throw new GraphError(
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      `FederatedIdentityCredential with name ${candidate.name} already exists.`,
    );
  }
  if (others.some((f) => f.issuer === candidate.issuer && f.subject === candidate.subject)) {
    throw new GraphError(
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      "FederatedIdentityCredential with the same issuer and subject combination already exists for this application.",
    );
  }
  if (!replacing && others.length >= MAX_FICS_PER_APP) {
    throw badRequest(
      `The maximum number of federated identity credentials (${MAX_FICS_PER_APP}) for this application has been reached.`,
    );
  }
}
