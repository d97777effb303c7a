import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";
import { startBoss } from "../../../lib/jobs/boss";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import {
  approveOperation,
  previewOperation,
  requestOperation,
} from "../../../lib/operations/support-operations";
import { assignResource } from "../../../lib/resources/assign-resource";
import { seedIsvResource } from "../../../prisma/seed/factories";
import { control } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { onboardedCustomer, STAFF } from "./onboarding-helpers";
import {
  createCosmosAccount,
  createDiskEncryptionSet,
  createSqlServer,
  createStorageAccount,
} from "./isv-resources";

const emulatorUrl = () => inject("emulatorUrl");
const { operator, admin, admin2, support } = STAFF;
const REASON = "Customer asked for it in ticket 4711";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
const customers: Record<"contoso" | "woodgrove", Awaited<ReturnType<typeof onboardedCustomer>>> = {} as never;

async function onboard(which: "contoso" | "woodgrove") {
  customers[which] = await onboardedCustomer(t.db, which, `kv-ops-${which.slice(0, 5)}`);
}

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0, lroSeconds: 1 }, "PATCH");
  await onboard("contoso");
  await onboard("woodgrove");
}, 120_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
});

/** SQL databases live on a server: they have their own file (sql-database.test.ts). */
type CreatableKind = Exclude<ResourceKind, "SQL_DATABASE">;
const CREATE: Record<CreatableKind, (name: string) => Promise<string>> = {
  STORAGE_ACCOUNT: (n) => createStorageAccount(emulatorUrl(), n),
  COSMOS_DB_ACCOUNT: (n) => createCosmosAccount(emulatorUrl(), n),
  DISK_ENCRYPTION_SET: (n) => createDiskEncryptionSet(emulatorUrl(), n),
  SQL_SERVER: (n) => createSqlServer(emulatorUrl(), n),
};

/** A resource of `kind` for Contoso with Contoso's key applied through the pipeline. */
async function appliedResource(kind: CreatableKind, name: string) {
  const resource = await seedIsvResource(t.db, {
    armId: await CREATE[kind](name),
    kind,
    region: "westeurope",
    customerId: customers.contoso.id,
  });
  const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor: operator });
  expect(await drive(job.id)).toBe("succeeded");
  return t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } });
}

/** What the worker does with one job's messages, honouring the asked delay. */
async function drive(jobId: string) {
  for (let i = 0; i < 15; i++) {
    const outcome = await runApplyJob(t.db, jobId, { writesPerSecond: 50 });
    if (outcome.kind !== "retry") return outcome.kind;
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
  throw new Error("job never finished");
}

const reload = (id: string) => t.db.isvResource.findUniqueOrThrow({ where: { id } });
const writes = async () =>
  ((await control(emulatorUrl(), "stats")) as { arm: { accepted: { writes: number } } }).arm.accepted.writes;
const roles = (a: { role: string }) => [a.role] as ("Operator" | "Admin" | "Support")[];

describe("[operations] revert, rotate and change key, read back from ARM", () => {
  it.each([
    ["STORAGE_ACCOUNT", "stopsrevert"],
    ["SQL_SERVER", "sql-ops-revert"],
  ] as const)("%s: an Operator reverts to Microsoft-managed keys; ARM reads it back", async (kind, name) => {
    const resource = await appliedResource(kind, name);
    const { job, needsApproval } = await requestOperation(t.db, boss, {
      resourceId: resource.id,
      operation: "REVERT",
      reason: REASON,
      actor: operator,
      roles: roles(operator),
    });
    expect(needsApproval).toBe(false);
    expect(await drive(job.id)).toBe("succeeded");
    expect(await reload(resource.id)).toMatchObject({ cmkState: "MICROSOFT_MANAGED", appliedKeyId: null });
    const actions = (
      await t.db.auditEvent.findMany({ where: { targetId: resource.armId }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["operation.requested", "cmk.revert_requested", "cmk.reverted"]),
    );
  });

  it.each([
    ["COSMOS_DB_ACCOUNT", "cosmos-ops-revert", /Cosmos DB cannot return to service-managed keys/],
    ["DISK_ENCRYPTION_SET", "des-ops-revert", /always uses a customer-managed key/],
  ] as const)(
    "%s: revert is refused with the documented reason, and nothing is written",
    async (kind, name, reason) => {
      const resource = await appliedResource(kind, name);
      const before = await writes();
      const preview = await previewOperation(
        t.db,
        { resourceId: resource.id, operation: "REVERT" },
        { roles: ["Operator"] },
      );
      expect(preview.problems[0]?.message).toMatch(reason);
      await expect(
        requestOperation(t.db, boss, {
          resourceId: resource.id,
          operation: "REVERT",
          reason: REASON,
          actor: operator,
          roles: ["Operator"],
        }),
      ).rejects.toThrow(reason);
      expect(await writes()).toBe(before);
      expect((await reload(resource.id)).cmkState).toBe("APPLIED");
    },
  );

  it.each([
    ["DISK_ENCRYPTION_SET", "des-ops-rotate"],
    ["SQL_SERVER", "sql-ops-rotate"],
  ] as const)("%s: rotates to the version the vault now calls current", async (kind, name) => {
    const resource = await appliedResource(kind, name);
    const rotated = await customers.contoso.keys.rotateKey("cmk");
    // The newest version as the monitor or a re-verification reads it.
    expect((await runKeyVerification(t.db, { keyId: customers.contoso.keyId })).result?.outcome).toBe(
      "verified",
    );
    const preview = await previewOperation(
      t.db,
      { resourceId: resource.id, operation: "ROTATE" },
      { roles: ["Operator"] },
    );
    expect(preview.steps.length).toBeGreaterThan(0);
    const { job } = await requestOperation(t.db, boss, {
      resourceId: resource.id,
      operation: "ROTATE",
      reason: REASON,
      actor: operator,
      roles: ["Operator"],
    });
    expect(await drive(job.id)).toBe("succeeded");
    expect(await reload(resource.id)).toMatchObject({
      cmkState: "APPLIED",
      appliedKeyVersion: rotated.properties.version,
    });
  });

  it("a Storage account with a versionless key follows new versions itself: rotation has nothing to write", async () => {
    const resource = await appliedResource("STORAGE_ACCOUNT", "stopsrotate");
    const preview = await previewOperation(
      t.db,
      { resourceId: resource.id, operation: "ROTATE" },
      { roles: ["Operator"] },
    );
    expect(preview.steps).toEqual([]);
    expect(preview.notes[0]).toMatch(/Storage moves to a new key version by itself/);
  });

  it("moving a resource to another customer's key needs an approval by a second Admin; then ARM reads the new key back", async () => {
    const resource = await appliedResource("STORAGE_ACCOUNT", "stopschange");
    // The customer dropdown can no longer re-target an encrypted resource.
    await expect(
      assignResource(t.db, { resourceId: resource.id, customerId: customers.woodgrove.id, actor: operator }),
    ).rejects.toThrow(/use Change key/);
    const before = await writes();
    const { job, needsApproval, preview } = await requestOperation(t.db, boss, {
      resourceId: resource.id,
      operation: "CHANGE_KEY",
      targetCustomerName: customers.woodgrove.name,
      reason: REASON,
      actor: admin,
      roles: ["Admin"],
    });
    expect(needsApproval).toBe(true);
    expect(preview.crossCustomer).toBe(true);
    expect(job.state).toBe("AWAITING_APPROVAL");
    expect(await runApplyJob(t.db, job.id, { writesPerSecond: 50 })).toEqual({ kind: "skipped" });
    await expect(
      approveOperation(t.db, boss, { jobId: job.id, actor: admin, roles: ["Admin"] }),
    ).rejects.toThrow(/another Admin must approve/);
    await expect(
      approveOperation(t.db, boss, { jobId: job.id, actor: operator, roles: ["Operator"] }),
    ).rejects.toThrow(/Only an Admin/);
    expect(await writes()).toBe(before);
    expect((await reload(resource.id)).customerId).toBe(customers.contoso.id);

    await approveOperation(t.db, boss, { jobId: job.id, actor: admin2, roles: ["Admin"] });
    expect(await drive(job.id)).toBe("succeeded");
    const moved = await reload(resource.id);
    expect(moved).toMatchObject({
      cmkState: "APPLIED",
      appliedKeyId: customers.woodgrove.keyId,
      customerId: customers.woodgrove.id,
    });
    const done = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({
      state: "SUCCEEDED",
      requestedBy: admin.id,
      approvedBy: admin2.id,
      reason: REASON,
    });
  });

  it("Support may only request: its request waits for an Admin, and Support cannot approve it", async () => {
    const resource = await appliedResource("SQL_SERVER", "sql-ops-support");
    const { job, needsApproval, preview } = await requestOperation(t.db, boss, {
      resourceId: resource.id,
      operation: "REVERT",
      reason: REASON,
      actor: support,
      roles: ["Support"],
    });
    expect(needsApproval).toBe(true);
    expect(preview.approvalReasons[0]).toMatch(/Support requests/);
    await expect(
      approveOperation(t.db, boss, { jobId: job.id, actor: support, roles: ["Support"] }),
    ).rejects.toThrow(/Only an Admin/);
    await approveOperation(t.db, boss, { jobId: job.id, actor: admin, roles: ["Admin"] });
    expect(await drive(job.id)).toBe("succeeded");
    expect((await reload(resource.id)).cmkState).toBe("MICROSOFT_MANAGED");
  });

  it("two Admins approving the same request at once: one approves, the other is told, and it is queued once", async () => {
    const resource = await appliedResource("STORAGE_ACCOUNT", "stopsrace");
    const { job } = await requestOperation(t.db, boss, {
      resourceId: resource.id,
      operation: "REVERT",
      reason: REASON,
      actor: support,
      roles: ["Support"],
    });
    const results = await Promise.allSettled(
      [admin, admin2].map((who) =>
        approveOperation(t.db, boss, { jobId: job.id, actor: who, roles: ["Admin"] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected");
    expect(String(refused?.reason)).toMatch(/no longer waiting for approval/);
    const approvals = await t.db.auditEvent.findMany({
      where: { targetType: "job", targetId: job.id, action: "job.queued" },
    });
    expect(approvals).toHaveLength(1);
    const approved = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(approved.approvedBy).toBe((approvals[0]!.details as { approvedBy: string }).approvedBy);
    expect(await drive(job.id)).toBe("succeeded");
    expect((await reload(resource.id)).cmkState).toBe("MICROSOFT_MANAGED");
  });

  it("refuses a reason too short to audit, and changes nothing", async () => {
    const resource = await appliedResource("STORAGE_ACCOUNT", "stopsreason");
    const { operationRequest } = await import("../../../lib/operations/support-operations");
    expect(
      operationRequest.safeParse({ resourceId: resource.id, operation: "REVERT", reason: "x" }).success,
    ).toBe(false);
  });
});
