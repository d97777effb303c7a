import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import type { PgBoss } from "pg-boss";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBoss } from "../../../lib/jobs/boss";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { findKeyHealth } from "../../../lib/key-health/list-key-health";
import { runKeyHealthCheck, sweepKeyHealth } from "../../../lib/key-health/monitor";
import { deliverNotification, DELIVERY_ATTEMPTS } from "../../../lib/notifications/deliver-notification";
import { createChannel } from "../../../lib/notifications/manage-channels";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { seedIsvResource, seedOnboardedCustomer } from "../../../prisma/seed/factories";
import {
  control,
  grantServiceRole,
  installApp,
  runCustomerScript,
  TENANTS,
  userCredential,
} from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { createDiskEncryptionSet } from "./isv-resources";

const ADMIN = "admin@litware.onmicrosoft.com";
const TENANT = TENANTS.litware;
const CMK_APP = "22222222-2222-4222-8222-222222222222";
const actor = { type: "OPERATOR" as const, id: "ops-admin@fabrikamcloud.onmicrosoft.com", role: "Admin" };
const emulatorUrl = () => inject("emulatorUrl");

// What the test's mail server and webhook receiver saw.
const mails: { to: string; subject: string; text: string }[] = [];
const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let hookStatus = 200;
let smtp: SMTPServer;
let receiver: http.Server;
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let keyId: string;
let onboardingId: string;
let desId: string;
let spObjectId: string;
let webhookSecret: string;
let script: Awaited<ReturnType<typeof runCustomerScript>>;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, done) {
      void simpleParser(stream).then((m) => {
        mails.push({
          to: session.envelope.rcptTo[0]?.address ?? "",
          subject: m.subject ?? "",
          text: m.text ?? "",
        });
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  // Before anything reads the configuration: email goes to this test's mail server.
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  process.env.WEBHOOK_ALLOW_HTTP_HOSTS = "127.0.0.1";
  process.env.HEALTH_REMINDER_HOURS = "24";

  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0 }, "PATCH");
  spObjectId = await installApp(emulatorUrl(), TENANT.id, ADMIN, CMK_APP);
  script = await runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANT,
    adminUpn: ADMIN,
    spObjectId,
    vaultName: "kv-health",
    keyName: "cmk",
  });
  const seeded = await seedOnboardedCustomer(t.db, {
    name: "Litware Health",
    tenantId: TENANT.id,
    adminUpn: ADMIN,
    spObjectId,
    keyUri: script.versionlessUri,
    vaultHost: "kv-health.vault.azure.net",
    keyName: "cmk",
  });
  keyId = seeded.key.id;
  onboardingId = seeded.onboarding.id;
  expect((await runKeyVerification(t.db, { keyId })).result?.outcome).toBe("verified");
  const des = await seedIsvResource(t.db, {
    armId: await createDiskEncryptionSet(emulatorUrl(), "des-health"),
    kind: "DISK_ENCRYPTION_SET",
    region: "westeurope",
    customerId: seeded.customer.id,
  });
  desId = des.id;
  await apply(des.id);
  await createChannel(
    t.db,
    { kind: "EMAIL", name: "Ops", target: "ops@fabrikamcloud.example", customerName: null },
    actor,
  );
  const hook = await createChannel(
    t.db,
    {
      kind: "WEBHOOK",
      name: "Pager",
      target: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crosskey`,
      customerName: null,
    },
    actor,
  );
  webhookSecret = hook.secret!;
}, 90_000);

afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
  smtp.close();
  receiver.close();
});

async function apply(resourceId: string) {
  const { job } = await enqueueApply(t.db, boss, { resourceId, actor });
  for (let i = 0; i < 10; i++) {
    const outcome = await runApplyJob(t.db, job.id, { writesPerSecond: 50 });
    if (outcome.kind === "succeeded") return;
    if (outcome.kind !== "retry") throw new Error(`apply ${outcome.kind}`);
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
}

/** One monitor run for the key, then every delivery it queued, as the worker would run them. */
async function check(options: { freshToken?: boolean } = {}) {
  const result = await runKeyHealthCheck(t.db, boss, { keyId, ...options });
  for (const id of result?.deliveries ?? []) await deliverNotification(t.db, id);
  return result!;
}

const onboardingState = async () =>
  (await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboardingId } })).state;
const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

describe("[health] the monitor notices what breaks a customer's key, and when it is fixed", () => {
  it("a healthy key with an applied resource makes the onboarding healthy, silently", async () => {
    const r = await check();
    expect(r.health).toBe("HEALTHY");
    expect(r.notified).toBeNull();
    expect(await onboardingState()).toBe("HEALTHY");
    expect(mails).toHaveLength(0);
  });

  it("a disabled key: unreachable within one run, one email and one signed webhook, no repeats", async () => {
    await script.keys.updateKeyProperties("cmk", { enabled: false });
    const r = await check();
    expect(r.health).toBe("UNREACHABLE");
    expect(codes(r)).toEqual(["key_disabled"]);
    expect(await onboardingState()).toBe("KEY_UNREACHABLE");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe("ops@fabrikamcloud.example");
    expect(mails[0]!.subject).toMatch(/Litware Health.*unreachable.*key disabled/);
    expect(hooks).toHaveLength(1);
    const payload = new Webhook(webhookSecret).verify(
      hooks[0]!.body,
      hooks[0]!.headers as Record<string, string>,
    ) as {
      type: string;
      data: { findings: { code: string }[] };
    };
    expect(payload.type).toBe("key.unreachable");
    expect(payload.data.findings.map((f) => f.code)).toEqual(["key_disabled"]);
    // A changed byte breaks the signature.
    expect(() =>
      new Webhook(webhookSecret).verify(
        hooks[0]!.body.replace("key_disabled", "key_enabled"),
        hooks[0]!.headers as Record<string, string>,
      ),
    ).toThrow();

    for (let i = 0; i < 3; i++) expect((await check()).notified).toBeNull();
    expect(mails).toHaveLength(1);
    expect(hooks).toHaveLength(1);
  });

  it("re-enabled: healthy again without an operator, and one 'resolved' message", async () => {
    await script.keys.updateKeyProperties("cmk", { enabled: true });
    const r = await check();
    expect(r.health).toBe("HEALTHY");
    expect(r.notified).toBe("resolved");
    expect(await onboardingState()).toBe("HEALTHY");
    expect(mails.at(-1)!.subject).toMatch(/resolved/);
    expect(hooks).toHaveLength(2);
    const audit = await t.db.auditEvent.findMany({ where: { onboardingId }, orderBy: { id: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "onboarding.key_unreachable",
        "onboarding.key_reachable",
        "key.health_changed",
      ]),
    );
  });

  it("a removed role is found with its own words and the command that restores it", async () => {
    const roleId = script.roleAssignmentId!;
    const token = (await userCredential(emulatorUrl(), TENANT.id, ADMIN).getToken(
      "https://management.azure.com/.default",
    ))!.token;
    const del = await fetch(`${emulatorUrl()}${roleId}?api-version=2022-04-01`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(200);
    const r = await check();
    expect(codes(r)).toEqual(["role_removed"]);
    expect(r.findings[0]!.fix).toContain("Key Vault Crypto Service Encryption User");
    script.roleAssignmentId = await grantServiceRole(
      { emulatorUrl: emulatorUrl(), tenant: TENANT, adminUpn: ADMIN, spObjectId },
      script.vaultId,
    );
    expect((await check()).health).toBe("HEALTHY");
  });

  it("an expired key and a key about to expire are named, each once", async () => {
    await script.keys.updateKeyProperties("cmk", { expiresOn: new Date(Date.now() - 60_000) });
    const expired = await check();
    expect(codes(expired)).toEqual(["key_expired"]);
    await script.keys.updateKeyProperties("cmk", { expiresOn: new Date(Date.now() + 5 * 86_400_000) });
    const soon = await check();
    expect(soon.health).toBe("WARNING");
    expect(codes(soon)).toEqual(["key_expiring_7"]);
    expect(soon.notified).toBe("changed");
    await script.keys.updateKeyProperties("cmk", { expiresOn: new Date(Date.now() + 400 * 86_400_000) });
    expect((await check()).notified).toBe("resolved");
  });

  it("a soft-deleted key is found with its recovery deadline; recovering it restores health", async () => {
    await (await script.keys.beginDeleteKey("cmk")).pollUntilDone();
    const r = await check();
    expect(codes(r)).toEqual(["key_deleted"]);
    expect(r.findings[0]!.summary).toMatch(/recovered until at least \d{4}-\d{2}-\d{2}/);
    await (await script.keys.beginRecoverDeletedKey("cmk")).pollUntilDone();
    expect((await check()).health).toBe("HEALTHY");
  });

  it("a new key version: rotation lag until the resource follows, then 'safe to disable' the old one", async () => {
    const before = (await t.db.isvResource.findUniqueOrThrow({ where: { id: desId } })).appliedKeyVersion!;
    const rotated = await script.keys.rotateKey("cmk");
    const lag = await check();
    expect(lag.health).toBe("HEALTHY");
    expect(lag.findings).toEqual([
      expect.objectContaining({ code: "rotation_lag", versions: [before], resources: ["des-health"] }),
    ]);
    expect(lag.findings[0]!.summary).toContain("not yet safe to disable");
    // The key health list says how many resources lag (and sorts by it: tests/integration/console-lists.test.ts).
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: keyId } })).rotationLag).toBe(1);
    const listed = await findKeyHealth(t.db, { health: "HEALTHY" });
    expect(listed.rows.find((r) => r.id === keyId)?.rotationLag).toBe(1);
    // The ISV moves the resource to the new version (verification reads the current version, apply pins it).
    expect((await runKeyVerification(t.db, { keyId })).result?.outcome).toBe("verified");
    await apply(desId);
    const after = await check();
    expect(after.findings).toEqual([
      expect.objectContaining({ code: "safe_to_disable", versions: [before] }),
    ]);
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: keyId } })).rotationLag).toBe(0);
    expect(rotated.properties.version).not.toBe(before);
  });

  it("a deleted service principal is 'consent removed', found as soon as a check asks for a fresh token", async () => {
    const token = (await userCredential(emulatorUrl(), TENANT.id, ADMIN).getToken(
      "https://graph.microsoft.com/.default",
    ))!.token;
    const del = await fetch(`${emulatorUrl()}/graph/v1.0/servicePrincipals/${spObjectId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(204);
    const r = await check({ freshToken: true });
    expect(codes(r)).toEqual(["consent_removed"]);
    expect(r.findings[0]!.fix).toMatch(/admin consent again/);
  });

  it("a webhook answering 500 is retried with backoff and marked failed after its attempts; the monitor is not held", async () => {
    hookStatus = 500;
    const seen = hooks.length;
    const ids = await t.db.$transaction((tx) =>
      import("../../../lib/notifications/raise-notification").then(({ raiseNotification }) =>
        raiseNotification(tx, { event: "test", subject: "retry me", body: "x", data: {}, actor }),
      ),
    );
    const webhookDelivery = (
      await t.db.notificationDelivery.findMany({ where: { id: { in: ids } }, include: { channel: true } })
    ).find((d) => d.channel.kind === "WEBHOOK")!;
    const outcomes: string[] = [];
    for (let i = 0; i < DELIVERY_ATTEMPTS; i++)
      outcomes.push(await deliverNotification(t.db, webhookDelivery.id));
    expect(outcomes).toEqual([...Array<string>(DELIVERY_ATTEMPTS - 1).fill("retry"), "failed"]);
    expect(hooks.length - seen).toBe(DELIVERY_ATTEMPTS);
    // Every attempt carried the same webhook-id, so a receiver can drop duplicates.
    expect(new Set(hooks.slice(seen).map((h) => h.headers["webhook-id"])).size).toBe(1);
    const row = await t.db.notificationDelivery.findUniqueOrThrow({ where: { id: webhookDelivery.id } });
    expect(row).toMatchObject({ state: "FAILED", attempts: DELIVERY_ATTEMPTS, lastStatus: 500 });
    hookStatus = 200;
  });

  it("the sweep queues one check per tenant with watched keys, never two for the same tenant", async () => {
    const first = await sweepKeyHealth(t.db, boss);
    const second = await sweepKeyHealth(t.db, boss);
    expect(first).toEqual({ tenants: 1, queued: 1 });
    expect(second).toEqual({ tenants: 1, queued: 0 });
  });
});
