import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import { recordAuditEvent } from "../../lib/audit/record-audit-event";
import {
  createEvidencePack,
  getEvidencePack,
  getSessionCustomerId,
} from "../../lib/evidence/create-evidence-pack";
import { renderEvidencePdf } from "../../lib/evidence/render-evidence-pdf";
import { getEvidenceJwks, verifyDetached } from "../../lib/evidence/sign-evidence";
import { transitionOnboarding } from "../../lib/onboarding/state-machine";
import { seedIsvResource, seedOnboardedCustomer } from "../../prisma/seed/factories";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const TENANT = "c0000000-0000-4000-8000-00000000c002";
const SP = "5e5e5e5e-0000-4000-8000-000000000001";
const KEY_URI = "https://woodgrove-kv.vault.azure.net/keys/cmk";
const armIdOf = (name: string) =>
  `/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.Storage/storageAccounts/${name.toLowerCase().replace(/[^a-z0-9]/g, "")}data`;
const SUPPORT = { type: "OPERATOR" as const, id: "support@fabrikamcloud.onmicrosoft.com", role: "Support" };

/** A customer with consent, a verified key applied to one resource, and one operation with its reason. */
async function seedCustomerWithHistory(name: string) {
  const seeded = await seedOnboardedCustomer(t.db, {
    name,
    tenantId: TENANT,
    adminUpn: "admin@woodgrovebank.onmicrosoft.com",
    spObjectId: SP,
    keyUri: KEY_URI,
    vaultHost: "woodgrove-kv.vault.azure.net",
    keyName: "cmk",
  });
  const verifiedAt = new Date();
  await t.db.$transaction(async (tx) => {
    await tx.customerKey.update({
      where: { id: seeded.key.id },
      data: {
        verificationStatus: "VERIFIED",
        verifiedVersion: "0123456789abcdef0123456789abcdef",
        lastVerifiedAt: verifiedAt,
        keyType: "RSA",
        keySize: 3072,
      },
    });
    await transitionOnboarding(tx, {
      onboardingId: seeded.onboarding.id,
      to: "KEY_VERIFIED",
      actor: { type: "SYSTEM", id: "crosskey" },
      action: "key.verified",
      details: { version: "0123456789abcdef0123456789abcdef" },
    });
  });
  const armId = armIdOf(name);
  const resource = await seedIsvResource(t.db, {
    armId,
    kind: "STORAGE_ACCOUNT",
    region: "westeurope",
    customerId: seeded.customer.id,
  });
  await t.db.$transaction(async (tx) => {
    await tx.isvResource.update({
      where: { id: resource.id },
      data: {
        cmkState: "APPLIED",
        appliedKeyId: seeded.key.id,
        appliedKeyVersion: "0123456789abcdef0123456789abcdef",
      },
    });
    await recordAuditEvent(tx, {
      actor: SUPPORT,
      action: "cmk.apply_requested",
      targetType: "resource",
      targetId: armId,
      customerId: seeded.customer.id,
      details: {
        reason: "Customer asked for encryption with their key (ticket 4711)",
        approvedBy: "ops-admin@fabrikamcloud.onmicrosoft.com",
      },
    });
  });
  return { ...seeded, armId };
}

describe("[evidence] the evidence pack", () => {
  it("signs the JSON with the published key; any byte changed fails", async () => {
    const seeded = await seedCustomerWithHistory("Woodgrove Evidence");
    const { id } = await createEvidencePack(t.db, { customerId: seeded.customer.id, actor: SUPPORT });
    const row = await getEvidencePack(t.db, { packId: id });
    const bytes = Buffer.from(row.json, "utf8");
    const jwks = await getEvidenceJwks();
    expect(row.signature).toMatch(/^[\w-]+\.\.[\w-]+$/);
    await verifyDetached(bytes, row.signature, jwks);

    for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 2]) {
      const altered = Buffer.from(bytes);
      altered[at] = altered[at]! ^ 0x01;
      await expect(verifyDetached(altered, row.signature, jwks)).rejects.toThrow(
        /signature verification failed/,
      );
    }
    const otherKey = { keys: [{ ...jwks.keys[0]!, x: jwks.keys[0]!.y, y: jwks.keys[0]!.x }] };
    await expect(verifyDetached(bytes, row.signature, otherKey)).rejects.toThrow();
  });

  it("holds the facts an auditor asks for, anchored in the customer's audit chain", async () => {
    const seeded = await seedCustomerWithHistory("Woodgrove Facts");
    const { id } = await createEvidencePack(t.db, { customerId: seeded.customer.id, actor: SUPPORT });
    const { pack } = await getEvidencePack(t.db, { packId: id });
    expect(pack.consent[0]).toMatchObject({
      tenantId: TENANT,
      consentedBy: "admin@woodgrovebank.onmicrosoft.com",
      servicePrincipalObjectId: SP,
    });
    expect(pack.keys[0]).toMatchObject({ keyUri: KEY_URI, verificationStatus: "VERIFIED" });
    expect(pack.keys[0]!.versionsUsed).toEqual([
      expect.objectContaining({
        version: "0123456789abcdef0123456789abcdef",
        appliedTo: [expect.objectContaining({ armId: seeded.armId })],
      }),
    ]);
    expect(pack.verifications.map((v) => v.action)).toContain("key.verified");
    expect(pack.resources).toEqual([
      expect.objectContaining({ armId: seeded.armId, state: "APPLIED", keyUri: KEY_URI }),
    ]);
    expect(pack.operations[0]).toMatchObject({
      action: "cmk.apply_requested",
      requestedBy: SUPPORT.id,
      approvedBy: "ops-admin@fabrikamcloud.onmicrosoft.com",
      reason: "Customer asked for encryption with their key (ticket 4711)",
    });
    const head = await t.db.auditEvent.findFirstOrThrow({
      where: { stream: `customer:${seeded.customer.id}`, action: { not: "evidence.generated" } },
      orderBy: { streamSeq: "desc" },
    });
    expect(pack.auditChain).toMatchObject({ intact: true, headSeq: head.streamSeq, headHash: head.hash });
    const generated = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "evidence.generated", targetId: id },
    });
    expect(generated).toMatchObject({ customerId: seeded.customer.id, actorId: SUPPORT.id });
  });

  it("renders a PDF that opens and lists the same facts", async () => {
    const seeded = await seedCustomerWithHistory("Woodgrove PDF");
    const { id } = await createEvidencePack(t.db, { customerId: seeded.customer.id, actor: SUPPORT });
    const { pack } = await getEvidencePack(t.db, { packId: id });
    const pdf = await renderEvidencePdf(pack, { jwksUrl: "https://crosskey.example/.well-known/jwks.json" });
    const document = await getDocumentProxy(new Uint8Array(pdf));
    expect(document.numPages).toBeGreaterThanOrEqual(1);
    const { text } = await extractText(document, { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    for (const fact of [
      "Evidence pack: Woodgrove PDF",
      TENANT,
      SP,
      "admin@woodgrovebank.onmicrosoft.com",
      KEY_URI,
      "0123456789abcdef0123456789abcdef",
      "woodgrovepdfdata",
      "ticket 4711",
      pack.auditChain.headHash!,
      "https://crosskey.example/.well-known/jwks.json",
    ]) {
      expect(flat.replace(/\s+/g, "")).toContain(fact.replace(/\s+/g, ""));
    }
  });

  it("reaches a customer's session only for that customer's own packs", async () => {
    const mine = await seedCustomerWithHistory("Woodgrove Mine");
    const other = await seedCustomerWithHistory("Woodgrove Other");
    const { id } = await createEvidencePack(t.db, { customerId: other.customer.id, actor: SUPPORT });
    const session = {
      sid: "s",
      onboardingId: mine.onboarding.id,
      inviteToken: "t",
      tid: TENANT,
      oid: "o",
      upn: "admin@woodgrovebank.onmicrosoft.com",
      name: "Admin",
    };
    const customerId = await getSessionCustomerId(t.db, session);
    expect(customerId).toBe(mine.customer.id);
    await expect(getEvidencePack(t.db, { packId: id, customerId })).rejects.toThrow(/does not exist/);
    await expect(
      getSessionCustomerId(t.db, { ...session, tid: "c0000000-0000-4000-8000-00000000c001" }),
    ).rejects.toThrow(/Sign in again/);
  });

  it("is refused for a customer that does not exist", async () => {
    await expect(
      createEvidencePack(t.db, { customerId: "00000000-0000-4000-8000-000000000000", actor: SUPPORT }),
    ).rejects.toThrow(/does not exist/);
  });
});
