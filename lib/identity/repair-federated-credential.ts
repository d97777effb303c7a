import "server-only";
import crypto from "node:crypto";
import type { Db } from "@/lib/db/create-db";
import type { PgBoss } from "pg-boss";
import { canonicalJson } from "@/lib/audit/audit-chain";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import {
  createFederatedCredential,
  updateFederatedCredential,
  type FederatedCredentialBody,
} from "@/lib/azure/graph";
import { AppError, isAppError } from "@/lib/errors";
import { evaluatePhase1 } from "./evaluate-phase1";
import { gatherPhase1Facts, getPhase1Expectations } from "./gather-phase1-facts";
import type { CredentialRepair, Phase1Report } from "./phase1-types";
import { runPhase1Check } from "./run-phase1-check";

/** Names the exact repair an Admin reviewed, so that what runs is what was shown. */
export function repairFingerprint(repair: CredentialRepair): string {
  return crypto.createHash("sha256").update(canonicalJson(repair)).digest("hex").slice(0, 32);
}

/**
 * Creates the missing federated credential of one encryption identity, or corrects a wrong one, through
 * Graph; then checks Phase 1 again. The repair is worked out afresh and must equal the one the Admin
 * reviewed (its fingerprint); Phase 1 changed in between otherwise, and nothing is written.
 */
export async function repairFederatedCredential(
  db: Db,
  input: { identity: string; fingerprint: string; actor: Actor; requestId?: string; boss?: PgBoss },
): Promise<Phase1Report> {
  const x = getPhase1Expectations();
  const now = evaluatePhase1(x, await gatherPhase1Facts(x));
  const repair = now.findings.find((f) => f.repair?.identity === input.identity)?.repair;
  if (!repair) {
    throw new AppError(
      "CONFLICT",
      `There is nothing to repair for ${input.identity} now; check again to see its state.`,
    );
  }
  if (repairFingerprint(repair) !== input.fingerprint) {
    throw new AppError(
      "CONFLICT",
      "The identity set-up changed since this repair was shown. Review the new repair and confirm again.",
    );
  }
  const audit = {
    actor: input.actor,
    targetType: "federated_credential",
    targetId: `${x.cmkAppId}/${input.identity}`,
    requestId: input.requestId,
  };
  const action =
    repair.method === "POST" ? "isv_identity.credential_created" : "isv_identity.credential_corrected";
  try {
    if (repair.method === "POST")
      await createFederatedCredential(x.cmkAppId, repair.body as FederatedCredentialBody);
    else await updateFederatedCredential(x.cmkAppId, repair.credentialId!, repair.body);
  } catch (error) {
    await recordAuditEvent(db, {
      ...audit,
      action,
      outcome: "failure",
      details: { ...repairDetails(repair), error: isAppError(error) ? error.message : String(error) },
    });
    throw error;
  }
  await recordAuditEvent(db, { ...audit, action, details: repairDetails(repair) });
  return runPhase1Check(db, { actor: input.actor, requestId: input.requestId, boss: input.boss });
}

const repairDetails = (repair: CredentialRepair) => ({
  method: repair.method,
  url: repair.url,
  body: { ...repair.body },
});
