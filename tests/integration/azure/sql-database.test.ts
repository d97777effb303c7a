import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { describeAzureError } from "../../../lib/azure/azure-error";
import { readResource } from "../../../lib/azure/arm";
import { getCmkModule } from "../../../lib/cmk";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import { discoverIsvResources } from "../../../lib/resources/discover-resources";
import { startBoss } from "../../../lib/jobs/boss";
import { probeKeyHealth } from "../../../lib/key-health/check-key-health";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { previewFleetRun } from "../../../lib/operations/fleet-run";
import { planJobSteps } from "../../../lib/operations/plan-operation";
import { previewOperation, requestOperation } from "../../../lib/operations/support-operations";
import { resourceErrorColumn } from "../../../lib/resources/resource-columns";
import { seedIsvResource } from "../../../prisma/seed/factories";
import { control } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { CMK_UAMI, createSqlDatabase, createSqlServer, ISV_SUB } from "./isv-resources";
import { driveJob, onboardVerifiedCustomer } from "./verified-customer";

// The database-per-tenant layout (docs/azure-contracts.md §5.6): one ISV server, one database per customer,
// each database protected by its own customer's key, through the whole pipeline (jobs, ARM, read-back).
const CMK_APP = "22222222-2222-4222-8222-222222222222";
const emulatorUrl = () => inject("emulatorUrl");
const operator = {
  type: "OPERATOR" as const,
  id: "operator@fabrikamcloud.onmicrosoft.com",
  role: "Operator",
};
const REASON = "Customer asked for it in ticket 2020";
type Who = "litware" | "adatum";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let server = "";
const customers = {} as Record<Who, Awaited<ReturnType<typeof onboardVerifiedCustomer>>>;

const drive = (jobId: string) => driveJob(t.db, jobId);

async function database(name: string, who: Who, serverId = server) {
  return seedIsvResource(t.db, {
    armId: await createSqlDatabase(emulatorUrl(), serverId, name),
    kind: "SQL_DATABASE",
    region: "westeurope",
    customerId: customers[who].id,
  });
}

async function apply(resourceId: string) {
  const { job } = await enqueueApply(t.db, boss, { resourceId, actor: operator });
  return drive(job.id);
}

async function operate(resourceId: string, operation: "ROTATE" | "REVERT") {
  const { job } = await requestOperation(t.db, boss, {
    resourceId,
    operation,
    reason: REASON,
    actor: operator,
    roles: ["Operator"],
  });
  return drive(job.id);
}

const reload = (id: string) =>
  t.db.isvResource.findUniqueOrThrow({ where: { id }, include: { appliedKey: true } });
const armProps = async (armId: string) =>
  ((await readResource(armId, "2023-08-01")) as { properties: Record<string, unknown> }).properties;

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0, lroSeconds: 1 }, "PATCH");
  for (const tenant of ["litware", "adatum"] as const)
    customers[tenant] = await onboardVerifiedCustomer(t.db, {
      tenant,
      name: `${tenant} databases`,
      vaultName: `kv-sqldb-${tenant}`,
    });
  server = await createSqlServer(emulatorUrl(), "sql-tenants-sqldb");
}, 120_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
});

describe("[sql-database] one server, one database per customer, each with its customer's key", () => {
  let litware: { id: string; armId: string };
  let adatum: { id: string; armId: string };

  it("applies two customers' keys to their two databases and reads both back", async () => {
    litware = await database("db-litware", "litware");
    adatum = await database("db-adatum", "adatum");
    expect(await apply(litware.id)).toBe("succeeded");
    expect(await apply(adatum.id)).toBe("succeeded");

    const [a, b] = [await reload(litware.id), await reload(adatum.id)];
    expect(a).toMatchObject({ cmkState: "APPLIED", appliedKeyId: customers.litware.keyId });
    expect(b).toMatchObject({ cmkState: "APPLIED", appliedKeyId: customers.adatum.keyId });
    // Azure's own view: each database's protector is in its customer's vault, reached through the federated app.
    const [pa, pb] = [await armProps(litware.armId), await armProps(adatum.armId)];
    expect(pa.encryptionProtector).toMatch(
      /^https:\/\/kv-sqldb-litware\.vault\.azure\.net\/keys\/cmk\/[0-9a-f]{32}$/,
    );
    expect(pb.encryptionProtector).toMatch(
      /^https:\/\/kv-sqldb-adatum\.vault\.azure.net\/keys\/cmk\/[0-9a-f]{32}$/,
    );
    expect(pa).toMatchObject({
      federatedClientId: CMK_APP,
      encryptionProtectorAutoRotation: true,
      status: "Online",
    });
    expect(Object.keys(pa.keys as object)).toEqual([pa.encryptionProtector]);
    // The server itself stays on its service-managed protector.
    expect(
      ((await readResource(`${server}/encryptionProtector/current`, "2023-08-01")) as { properties: object })
        .properties,
    ).toMatchObject({ serverKeyType: "ServiceManaged" });
  });

  it("discovery lists both databases under their server (never master), each read as applied", async () => {
    const found = await discoverIsvResources([ISV_SUB]);
    const mine = found.filter((r) => r.armId.toLowerCase().includes("/servers/sql-tenants-sqldb/"));
    expect(mine.map((r) => r.name).sort()).toEqual([
      "sql-tenants-sqldb/db-adatum",
      "sql-tenants-sqldb/db-litware",
    ]);
    for (const r of mine) {
      expect(r.kind).toBe("SQL_DATABASE");
      expect(getCmkModule("SQL_DATABASE").observe(r.body).state).toBe("APPLIED");
    }
  });

  it("rotates one database to its key's newest version; the other is untouched", async () => {
    const rotated = await customers.litware.keys.rotateKey("cmk");
    expect((await runKeyVerification(t.db, { keyId: customers.litware.keyId })).result?.outcome).toBe(
      "verified",
    );
    const before = await armProps(adatum.armId);
    expect(await operate(litware.id, "ROTATE")).toBe("succeeded");
    expect(await reload(litware.id)).toMatchObject({
      cmkState: "APPLIED",
      appliedKeyVersion: rotated.properties.version,
    });
    const after = await armProps(litware.armId);
    expect(after.encryptionProtector).toMatch(new RegExp(`/keys/cmk/${rotated.properties.version}$`));
    // The previous version stays among the database's keys: backups taken under it still need it.
    expect(Object.keys(after.keys as object)).toHaveLength(2);
    expect(await armProps(adatum.armId)).toEqual(before);
  });

  it("reverts the other database to the server's (service-managed) protector with Azure's revert action", async () => {
    expect(await operate(adatum.id, "REVERT")).toBe("succeeded");
    expect(await reload(adatum.id)).toMatchObject({ cmkState: "MICROSOFT_MANAGED", appliedKeyId: null });
    expect((await armProps(adatum.armId)).encryptionProtector).toBeNull();
    expect((await reload(litware.id)).cmkState).toBe("APPLIED");
    const actions = (
      await t.db.auditEvent.findMany({ where: { targetId: adatum.armId }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["operation.requested", "cmk.revert_requested", "cmk.reverted"]),
    );
  });
});

describe("[sql-database] a database's revert needs a service-managed server protector", () => {
  it("on a server with its own customer key the preview names the server's key and nothing is requested", async () => {
    const keyed = await createSqlServer(emulatorUrl(), "sql-tenants-keyed");
    const serverRow = await seedIsvResource(t.db, {
      armId: keyed,
      kind: "SQL_SERVER",
      region: "westeurope",
      customerId: customers.litware.id,
    });
    expect(await apply(serverRow.id)).toBe("succeeded");
    const db = await database("db-keyed", "adatum", keyed);
    expect(await apply(db.id)).toBe("succeeded");
    const before = await armProps(db.armId);

    const preview = await previewOperation(
      t.db,
      { resourceId: db.id, operation: "REVERT" },
      { roles: ["Operator"] },
    );
    expect(preview.steps).toEqual([]);
    expect(preview.problems).toEqual([
      expect.objectContaining({
        code: "ServerUsesCustomerKey",
        message: expect.stringMatching(
          /server sql-tenants-keyed is protected by a customer-managed key \(kv-sqldb-litware_cmk_[0-9a-f]{32}\)/,
        ),
      }),
    ]);
    await expect(operate(db.id, "REVERT")).rejects.toThrow(/revert the server first/);
    expect(await reload(db.id)).toMatchObject({ cmkState: "APPLIED", appliedKeyId: customers.adatum.keyId });
    expect(await armProps(db.armId)).toEqual(before);
  });

  it("the fleet-wide preview and the run's job refuse that database's revert for the same reason", async () => {
    const db = await t.db.isvResource.findFirstOrThrow({
      where: { armId: { endsWith: "/databases/db-keyed" } },
    });
    const preview = await previewFleetRun(
      t.db,
      { operation: "REVERT", selection: { customerId: customers.adatum.id, kind: "SQL_DATABASE" } },
      { roles: ["Operator"] },
    );
    expect(preview.refused).toEqual([
      {
        service: getCmkModule("SQL_DATABASE").label,
        count: 1,
        why: expect.stringMatching(
          /server sql-tenants-keyed is protected by a customer-managed key .*revert the server first/,
        ),
      },
    ]);
    // The refused database is taken by the run but writes nothing; every other database is one revert.
    expect(preview.writes).toBe(preview.total - 1);
    // A job of the run plans its revert the same way, and refuses with the same words.
    const planned = await planJobSteps(db, "REVERT_CMK", null);
    expect(planned.steps).toEqual([]);
    expect(planned.problems).toEqual([
      expect.objectContaining({ code: "ServerUsesCustomerKey", message: preview.refused[0]!.why }),
    ]);
  });
});

describe("[sql-database] geo-secondaries need the customer's key too", () => {
  it("a secondary without the key is refused with Azure's reason; with it, the primary can rotate", async () => {
    const primary = await database("db-geo", "litware");
    expect(await apply(primary.id)).toBe("succeeded");
    const protector = String((await armProps(primary.armId)).encryptionProtector);
    const dr = await createSqlServer(emulatorUrl(), "sql-tenants-sqldb-dr");

    // Without the primary's key, Azure refuses the secondary and names the key it needs.
    const refused = await createSqlDatabase(emulatorUrl(), dr, "db-geo", {
      identity: { type: "UserAssigned", userAssignedIdentities: { [CMK_UAMI]: {} } },
      properties: { createMode: "Secondary", sourceDatabaseId: primary.armId, federatedClientId: CMK_APP },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    const failure = describeAzureError(refused);
    expect(failure).toMatchObject({
      code: "PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeysWithDatabaseName",
      retryable: false,
    });
    expect(explainCmkError(failure, "SQL_DATABASE").todo).toMatch(
      /primary's identity, federated client ID and keys/,
    );

    const secondaryId = await createSqlDatabase(emulatorUrl(), dr, "db-geo", {
      identity: { type: "UserAssigned", userAssignedIdentities: { [CMK_UAMI]: {} } },
      properties: {
        createMode: "Secondary",
        sourceDatabaseId: primary.armId,
        federatedClientId: CMK_APP,
        keys: { [protector]: {} },
      },
    });
    expect(await armProps(secondaryId)).toMatchObject({
      secondaryType: "Geo",
      encryptionProtector: protector,
    });

    // A new version the secondary does not hold: the primary's rotation fails, explained, nothing changes.
    const rotated = await customers.litware.keys.rotateKey("cmk");
    expect((await runKeyVerification(t.db, { keyId: customers.litware.keyId })).result?.outcome).toBe(
      "verified",
    );
    expect(await operate(primary.id, "ROTATE")).toBe("failed");
    const error = resourceErrorColumn.read((await reload(primary.id)).lastError);
    expect(error).toMatchObject({ code: "PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary" });
    expect(error?.todo).toMatch(/geo-secondary .* first/);
    expect((await armProps(primary.armId)).encryptionProtector).toBe(protector);

    // Crosskey gives the secondary the key (never a protector of its own), then the primary rotates.
    const secondary = await seedIsvResource(t.db, {
      armId: secondaryId,
      kind: "SQL_DATABASE",
      region: "westeurope",
      customerId: customers.litware.id,
    });
    expect(await apply(secondary.id)).toBe("succeeded");
    expect(Object.keys((await armProps(secondaryId)).keys as object)).toContain(
      protector.replace(/[0-9a-f]{32}$/, rotated.properties.version!),
    );
    // The failed rotation left the primary FAILED: applying again plans the newest verified version.
    expect(await apply(primary.id)).toBe("succeeded");
    expect((await reload(primary.id)).appliedKeyVersion).toBe(rotated.properties.version);
    // The primary's new protector replicates to the secondary.
    expect((await armProps(secondaryId)).encryptionProtector).toMatch(
      new RegExp(`/keys/cmk/${rotated.properties.version}$`),
    );
  });
});

describe("[sql-database] key health reads each database's own protector", () => {
  it("with the customer's key disabled, its databases read back inaccessible; the other customer's are not touched", async () => {
    for await (const version of customers.litware.keys.listPropertiesOfKeyVersions("cmk"))
      await customers.litware.keys.updateKeyProperties("cmk", version.version!, { enabled: false });
    const key = await t.db.customerKey.findUniqueOrThrow({ where: { id: customers.litware.keyId } });
    const probe = await probeKeyHealth(t.db, { ...key, spObjectId: customers.litware.spObjectId });
    const byName = new Map(probe.resources.map((r) => [r.name, r.observed]));
    expect(byName.get("db-litware")).toMatchObject({ state: "FAILED", azureStatus: "Inaccessible" });
    expect(byName.get("db-litware")?.detail).toMatch(/inaccessible: Azure SQL cannot reach its protector/);
    expect(byName.has("db-adatum")).toBe(false);
  });
});
