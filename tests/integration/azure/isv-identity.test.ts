import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  repairFederatedCredential,
  repairFingerprint,
} from "../../../lib/identity/repair-federated-credential";
import { runPhase1Check } from "../../../lib/identity/run-phase1-check";
import type { Phase1Report } from "../../../lib/identity/phase1-types";
import { createTestDatabase } from "../helpers/db";

/**
 * Phase 1 checked through the emulator's Graph and ARM with the app's managed identity, one fault at a time.
 * Each fault is a world the emulator loads (its control API); afterwards the demo world comes back.
 */
const ADMIN = { type: "OPERATOR" as const, id: "ops-admin@fabrikamcloud.onmicrosoft.com", role: "Admin" };
const CMK_APP = "22222222-2222-4222-8222-222222222222";
const APP_MI = "77777777-7777-4777-8777-777777777777";
const CMK_UAMI = "crosskey-cmk";
const ROLE = {
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  miOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
};

type World = {
  applications: {
    appId: string;
    signInAudience: string;
    federatedIdentityCredentials: Record<string, unknown>[];
  }[];
  userAssignedIdentities: { resourceId: string }[];
  arm: { roleAssignments: { principalId: string; roleDefinitionId: string }[] };
};
const demoWorld = () =>
  JSON.parse(
    fs.readFileSync(path.resolve(import.meta.dirname, "../../../emulator/world/demo.json"), "utf8"),
  ) as World;
const cmkApp = (w: World) => w.applications.find((a) => a.appId === CMK_APP)!;

async function loadWorld(world?: World) {
  const response = await fetch(`${inject("emulatorUrl")}/_emulator/${world ? "world" : "reset"}`, {
    method: world ? "PUT" : "POST",
    headers: { "content-type": "application/json" },
    body: world ? JSON.stringify(world) : "",
  });
  expect(response.status, await response.text()).toBe(200);
}

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await loadWorld();
  await t.drop();
});

const check = () => runPhase1Check(t.db, { actor: ADMIN });
const finding = (r: Phase1Report, id: string) => r.findings.find((f) => f.id === id);
const broken = (r: Phase1Report) => r.findings.filter((f) => f.status === "error").map((f) => f.id);

describe("[identity] Phase 1 checked through Graph and ARM", () => {
  it("passes on a correct set-up and shows the credential capacity", async () => {
    await loadWorld(demoWorld());
    const report = await check();
    expect(broken(report)).toEqual([]);
    expect(report.capacity).toEqual({ used: 1, limit: 20 });
    expect(report.identities[0]).toMatchObject({ name: CMK_UAMI, credential: "crosskey-cmk" });
    expect(finding(report, "cmk-app.publisher")?.status).toBe("ok");
  });

  it("finds a single-tenant app, in its own words", async () => {
    const w = demoWorld();
    cmkApp(w).signInAudience = "AzureADMyOrg";
    await loadWorld(w);
    const f = finding(await check(), "cmk-app.audience")!;
    expect(f).toMatchObject({ status: "error", title: "The CMK app is single-tenant" });
    expect(f.command).toBe(`az ad app update --id ${CMK_APP} --sign-in-audience AzureADMultipleOrgs`);
  });

  for (const [fault, change, words] of [
    [
      "subject",
      { subject: "99999999-9999-4999-8999-999999999999" },
      /its subject is 99999999-9999-4999-8999-999999999999, not the identity's principal ID/,
    ],
    [
      "issuer",
      { issuer: "https://login.example.com/11111111-1111-4111-8111-111111111111/v2.0" },
      /its issuer is https:\/\/login\.example\.com/,
    ],
    [
      "audience",
      { audiences: ["api://SomethingElse"] },
      /its audience is api:\/\/SomethingElse, not api:\/\/AzureADTokenExchange/,
    ],
  ] as const) {
    it(`finds a credential with a wrong ${fault}, and the repair corrects it`, async () => {
      const w = demoWorld();
      Object.assign(cmkApp(w).federatedIdentityCredentials[0]!, change);
      await loadWorld(w);
      const before = finding(await check(), `credentials.${CMK_UAMI}`)!;
      expect(before.status).toBe("error");
      expect(before.title).toBe(`The credential for ${CMK_UAMI} is wrong`);
      expect(before.detail).toMatch(words);
      expect(before.repair).toMatchObject({
        method: "PATCH",
        credentialId: "22222222-0000-4000-8000-0000000000f1",
      });

      const after = await repairFederatedCredential(t.db, {
        identity: CMK_UAMI,
        fingerprint: repairFingerprint(before.repair!),
        actor: ADMIN,
      });
      expect(finding(after, `credentials.${CMK_UAMI}`)?.status).toBe("ok");
      expect(broken(after)).toEqual([]);
    });
  }

  it("finds a missing credential; the repair creates it, is audited, and the next check passes", async () => {
    const w = demoWorld();
    cmkApp(w).federatedIdentityCredentials = [];
    await loadWorld(w);
    const before = finding(await check(), `credentials.${CMK_UAMI}`)!;
    expect(before).toMatchObject({ status: "error", title: `No credential trusts ${CMK_UAMI}` });
    expect(before.repair).toMatchObject({
      method: "POST",
      body: {
        name: CMK_UAMI,
        subject: "55555555-5555-4555-8555-555555555555",
        audiences: ["api://AzureADTokenExchange"],
      },
    });

    await expect(
      repairFederatedCredential(t.db, { identity: CMK_UAMI, fingerprint: "0".repeat(32), actor: ADMIN }),
    ).rejects.toThrow(/changed since this repair was shown/);

    await repairFederatedCredential(t.db, {
      identity: CMK_UAMI,
      fingerprint: repairFingerprint(before.repair!),
      actor: ADMIN,
    });
    const next = await check();
    expect(finding(next, `credentials.${CMK_UAMI}`)?.status).toBe("ok");
    expect(next.capacity.used).toBe(1);
    const events = await t.db.auditEvent.findMany({ where: { targetType: "federated_credential" } });
    expect(events.map((e) => [e.action, e.outcome, e.actorId])).toContainEqual([
      "isv_identity.credential_created",
      "success",
      ADMIN.id,
    ]);
    await expect(
      repairFederatedCredential(t.db, {
        identity: CMK_UAMI,
        fingerprint: repairFingerprint(before.repair!),
        actor: ADMIN,
      }),
    ).rejects.toThrow(/nothing to repair/);
  });

  it("finds a deleted encryption identity", async () => {
    const w = demoWorld();
    w.userAssignedIdentities = w.userAssignedIdentities.filter((u) => !u.resourceId.endsWith(`/${CMK_UAMI}`));
    await loadWorld(w);
    const f = finding(await check(), `identities.${CMK_UAMI}`)!;
    expect(f).toMatchObject({ status: "error", title: `The identity ${CMK_UAMI} does not exist` });
    expect(f.command).toMatch(/^az identity create --name crosskey-cmk --resource-group crosskey-isv/);
  });

  it("finds a missing role on the subscription and on the encryption identity", async () => {
    const w = demoWorld();
    w.arm.roleAssignments = w.arm.roleAssignments.filter(
      (a) => !(a.principalId === APP_MI && [ROLE.contributor, ROLE.miOperator].includes(a.roleDefinitionId)),
    );
    await loadWorld(w);
    const report = await check();
    expect(finding(report, "roles.subscription.aaaaaaaa-0000-4000-8000-000000000001")).toMatchObject({
      status: "error",
      title: "The app cannot apply keys in subscription aaaaaaaa-0000-4000-8000-000000000001",
    });
    expect(finding(report, `roles.operator.${CMK_UAMI}`)).toMatchObject({
      status: "error",
      title: `The app may not assign ${CMK_UAMI} to resources`,
    });
    expect(finding(report, `roles.operator.${CMK_UAMI}`)?.command).toContain(
      `--assignee-object-id ${APP_MI}`,
    );
  });

  it("finds all 20 credentials used, and offers no repair that Entra would refuse", async () => {
    const w = demoWorld();
    const app = cmkApp(w);
    app.federatedIdentityCredentials = Array.from({ length: 20 }, (_, i) => ({
      name: `other-${i}`,
      issuer: "https://token.actions.githubusercontent.com",
      subject: `repo:fabrikam/app-${i}:ref:refs/heads/main`,
      audiences: ["api://AzureADTokenExchange"],
    }));
    await loadWorld(w);
    const report = await check();
    expect(report.capacity).toEqual({ used: 20, limit: 20 });
    expect(finding(report, "credentials.capacity")).toMatchObject({
      status: "error",
      title: "All 20 federated credentials are used",
    });
    const missing = finding(report, `credentials.${CMK_UAMI}`)!;
    expect(missing.status).toBe("error");
    expect(missing.repair).toBeUndefined();
    expect(missing.fix).toMatch(/Free a slot first/);
  });

  it("records when Phase 1 breaks and when it is restored (the notification hook)", async () => {
    const actions = async () =>
      (await t.db.auditEvent.findMany({ where: { targetType: "isv_identity" }, orderBy: { id: "asc" } })).map(
        (e) => e.action,
      );
    const seen = await actions();
    expect(seen).toContain("isv_identity.broken");
    await loadWorld(demoWorld());
    await runPhase1Check(t.db, { actor: ADMIN, scheduled: true });
    expect((await actions()).at(-1)).toBe("isv_identity.restored");
  });
});

describe("[identity] the ISV's channels hear when Phase 1 breaks and when it is restored", () => {
  it("one message when it breaks, none while nothing changes, one when it is restored", async () => {
    await loadWorld(demoWorld());
    await check();
    const channel = await t.db.notificationChannel.create({
      data: { kind: "EMAIL", name: "ISV ops", target: "ops@fabrikam.example", createdBy: ADMIN.id },
    });
    const messages = () =>
      t.db.notification.findMany({
        where: { event: { startsWith: "isv_identity." } },
        orderBy: { createdAt: "asc" },
        include: { deliveries: true },
      });
    const before = (await messages()).length;

    const w = demoWorld();
    cmkApp(w).federatedIdentityCredentials = [];
    await loadWorld(w);
    await runPhase1Check(t.db, { actor: ADMIN, scheduled: true });
    await runPhase1Check(t.db, { actor: ADMIN, scheduled: true });
    let sent = (await messages()).slice(before);
    expect(sent.map((m) => m.event)).toEqual(["isv_identity.broken"]);
    expect(sent[0]!.subject).toBe("[Crosskey] Identity set-up broken — No credential trusts crosskey-cmk");
    expect(sent[0]!.body).toMatch(
      /Fix: Create the credential.*\n {2}Command: az ad app federated-credential create --id 2{8}/,
    );
    expect(sent[0]!.deliveries.map((d) => d.channelId)).toEqual([channel.id]);

    await loadWorld(demoWorld());
    await runPhase1Check(t.db, { actor: ADMIN, scheduled: true });
    sent = (await messages()).slice(before);
    expect(sent.map((m) => m.event)).toEqual(["isv_identity.broken", "isv_identity.restored"]);
    expect(sent[1]!.subject).toBe("[Crosskey] Identity set-up restored: every check passes again");
    const raised = await t.db.auditEvent.count({
      where: { action: "notification.raised", targetId: { in: sent.map((m) => m.id) } },
    });
    expect(raised).toBe(2);
  });
});
