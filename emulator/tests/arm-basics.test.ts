import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, userToken } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { grant, IDS, ISV_RG, ROLES } from "./resource-world.js";

const ARM = "https://management.azure.com/.default";
const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/basics`;
const VAULT = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-basics?api-version=2023-07-01`;
const vaultBody = {
  location: "westeurope",
  properties: {
    tenantId: IDS.contoso,
    sku: { family: "A", name: "standard" },
    enableRbacAuthorization: true,
    enablePurgeProtection: true,
  },
};
const OPERATOR_UPN = "operator@fabrikamcloud.onmicrosoft.com";
let em: RunningEmulator;
let admin = "";
const contoso = (upn: string, scope = ARM) => userToken(em.url, IDS.contoso, upn, scope);
const fabrikam = (upn: string) => userToken(em.url, IDS.isvTenant, upn, ARM);

beforeAll(async () => {
  em = await startEmulator();
  admin = await contoso(IDS.contosoAdminUpn);
  await call(em.url, "PUT", `${CUST_RG}?api-version=2025-04-01`, admin, { location: "westeurope" });
});
afterAll(async () => em.close());

describe("[arm] front door: api-version, authentication, authorization", () => {
  it("requires a pinned api-version", async () => {
    const base = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-basics`;
    expect((await call(em.url, "GET", base, admin)).body.error?.code).toBe("MissingApiVersionParameter");
    expect((await call(em.url, "GET", `${base}?api-version=2099-01-01`, admin)).body.error?.code).toBe(
      "InvalidApiVersionParameter",
    );
    expect(
      (await call(em.url, "GET", `${CUST_RG}/providers/Microsoft.Web/sites/x?api-version=2023-01-01`, admin))
        .body.error?.code,
    ).toBe("NoRegisteredProviderFound");
  });

  it("answers 401 for a missing, expired or other-tenant token", async () => {
    const none = await call(em.url, "GET", VAULT);
    expect([none.status, none.body.error?.code]).toEqual([401, "AuthenticationFailed"]);
    expect(none.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(
      (
        await call(
          em.url,
          "GET",
          VAULT,
          await contoso(IDS.contosoAdminUpn, "https://vault.azure.net/.default"),
        )
      ).body.error?.code,
    ).toBe("InvalidAuthenticationToken");
    const other = await call(em.url, "GET", VAULT, await fabrikam(IDS.isvOpsAdminUpn));
    expect([other.status, other.body.error?.code]).toEqual([401, "InvalidAuthenticationTokenTenant"]);
    const soonExpired = await contoso(IDS.contosoAdminUpn);
    em.emu.clock.advance(2 * 3600);
    expect((await call(em.url, "GET", VAULT, soonExpired)).body.error?.code).toBe(
      "ExpiredAuthenticationToken",
    );
    em.emu.clock.reset();
  });

  it("refuses a write without a role (AuthorizationFailed) and a UAMI without assign/action (LinkedAuthorizationFailed)", async () => {
    const denied = await call(em.url, "PUT", VAULT, await contoso(IDS.contosoDevUpn), vaultBody);
    expect(denied.status).toBe(403);
    expect(denied.body.error?.message).toContain(
      `does not have authorization to perform action 'Microsoft.KeyVault/vaults/write' over scope '${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-basics'`,
    );
    const operatorId = JSON.parse(
      Buffer.from((await fabrikam(OPERATOR_UPN)).split(".")[1] ?? "", "base64url").toString(),
    ).oid as string;
    expect(
      (
        await grant(
          em.url,
          await fabrikam(IDS.isvOpsAdminUpn),
          ISV_RG,
          "17d1049b-9a84-46fb-8f53-869881c3d3ab",
          operatorId,
          "User",
        )
      ).status,
    ).toBe(201);
    const linked = await call(
      em.url,
      "PUT",
      `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamlinked?api-version=2025-06-01`,
      await fabrikam(OPERATOR_UPN),
      {
        location: "westeurope",
        identity: { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } },
      },
    );
    expect([linked.status, linked.body.error?.code]).toEqual([403, "LinkedAuthorizationFailed"]);
    expect(linked.body.error?.message).toContain(
      "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
    );
  });
});

describe("[arm] key vaults and role assignments", () => {
  it("keeps soft delete on, makes purge protection irreversible and vault names global", async () => {
    const created = await call(em.url, "PUT", VAULT, admin, vaultBody);
    expect(created.status).toBe(201);
    expect(created.body.properties).toMatchObject({
      enableSoftDelete: true,
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
      vaultUri: "https://contoso-basics.vault.azure.net/",
      tenantId: IDS.contoso,
    });
    const off = await call(em.url, "PATCH", VAULT, admin, { properties: { enablePurgeProtection: false } });
    expect([off.status, off.body.error?.code]).toEqual([400, "BadRequest"]);
    const elsewhere = await call(
      em.url,
      "PUT",
      `/subscriptions/${IDS.contosoSub}/resourceGroups/basics/providers/Microsoft.KeyVault/vaults/CONTOSO-basics?api-version=2023-07-01`,
      admin,
      vaultBody,
    );
    expect(elsewhere.status).toBe(200);
  });

  it("creates role assignments at key scope, refuses duplicates, lists by principal and deletes", async () => {
    const scope = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-basics/keys/cmk`;
    const first = await grant(
      em.url,
      admin,
      scope,
      ROLES.serviceEncryptionUser,
      "55555555-0000-4000-8000-000000000099",
    );
    expect(first.status).toBe(201);
    expect(first.body.properties).toMatchObject({
      scope,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.serviceEncryptionUser}`,
    });
    const dup = await grant(
      em.url,
      admin,
      scope,
      ROLES.serviceEncryptionUser,
      "55555555-0000-4000-8000-000000000099",
    );
    expect([dup.status, dup.body.error?.code]).toEqual([409, "RoleAssignmentExists"]);
    const list = await call(
      em.url,
      "GET",
      `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent("principalId eq '55555555-0000-4000-8000-000000000099'")}`,
      admin,
    );
    expect((list.body.value as unknown[]).length).toBe(1);
    expect(
      (await call(em.url, "DELETE", `${String(first.body.id)}?api-version=2022-04-01`, admin)).status,
    ).toBe(200);
  });
});

describe("[arm] throttling", () => {
  it("answers 429 SubscriptionRequestsThrottled with Retry-After when the write bucket is empty", async () => {
    Object.assign(em.emu.settings, { armWriteBurst: 2, armWritesPerSecond: 0.5 });
    const rg = (n: number) =>
      call(
        em.url,
        "PUT",
        `/subscriptions/${IDS.contosoSub}/resourcegroups/t${n}?api-version=2025-04-01`,
        admin,
        { location: "westeurope" },
      );
    const ok = await rg(1);
    expect(ok.headers.get("x-ms-ratelimit-remaining-subscription-writes")).toBe("1");
    expect(ok.headers.get("x-ms-request-id")).toBeTruthy();
    expect(ok.headers.get("x-ms-correlation-request-id")).toBeTruthy();
    await rg(2);
    const throttled = await rg(3);
    expect([throttled.status, throttled.body.error?.code]).toEqual([429, "SubscriptionRequestsThrottled"]);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(
      (
        await call(
          em.url,
          "GET",
          `/subscriptions/${IDS.contosoSub}/resourcegroups?api-version=2025-04-01`,
          admin,
        )
      ).headers.get("x-ms-ratelimit-remaining-subscription-reads"),
    ).toMatch(/^\d+$/);
    Object.assign(em.emu.settings, { armWriteBurst: 200, armWritesPerSecond: 10 });
  });
});
