import { describe, expect, it } from "vitest";
import { getCmkModule } from "../../../lib/cmk";
import { APP, IDS, input, UAMI, V, V2 } from "./fixtures";

const m = getCmkModule("SQL_DATABASE");
const DB = IDS.SQL_DATABASE;
const uri = (version: string) => `https://kv.vault.azure.net/keys/cmk/${version}`;

describe("[cmk] SQL database: database-level TDE protector (docs/azure-contracts.md §5.6)", () => {
  it("refuses RSA 4096 like the server level (2048/3072 only)", () => {
    expect(m.check(input(DB, { key: { keySize: 4096 } })).map((p) => p.code)).toEqual([
      "KeySizeNotSupported",
    ]);
    expect(m.check(input(DB, { key: { keySize: 2048 } }))).toEqual([]);
  });

  it("a versionless key: one PATCH with identity, federated client, today's version as key and protector, auto-rotation on", () => {
    const steps = m.plan(input(DB));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ method: "PATCH", id: DB, apiVersion: "2023-08-01" });
    expect(steps[0]!.body).toEqual({
      identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } },
      properties: {
        federatedClientId: APP,
        keys: { [uri(V)]: {} },
        encryptionProtector: uri(V),
        encryptionProtectorAutoRotation: true,
      },
    });
  });

  it("a versioned key: that version, auto-rotation off", () => {
    const [step] = m.plan(input(DB, { key: { keyVersion: V2 } }));
    const props = (step!.body as { properties: Record<string, unknown> }).properties;
    expect(props.encryptionProtector).toBe(uri(V2));
    expect(props.keys).toEqual({ [uri(V2)]: {} });
    expect(props.encryptionProtectorAutoRotation).toBe(false);
  });

  it("revert is Azure's POST on the database's encryption protector, with an empty body", () => {
    expect(m.planRevert({ resource: { id: DB, body: {} } })).toEqual([
      {
        method: "POST",
        id: `${DB}/encryptionProtector/current/revert`,
        apiVersion: "2023-08-01",
        body: {},
        description: expect.stringMatching(/server's TDE protector.*service-managed key/),
      },
    ]);
    expect(m.revertNote).toBeUndefined();
  });

  it("a geo-secondary gets identity, federated client and the key, never a protector of its own", () => {
    const [step] = m.plan({
      ...input(DB),
      resource: { ...input(DB).resource, body: { properties: { secondaryType: "Geo" } } },
    });
    expect(step!.body).toEqual({
      identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } },
      properties: { federatedClientId: APP, keys: { [uri(V)]: {} } },
    });
    expect(step!.description).toMatch(/geo-secondary.*its primary/);
    const key = input(DB).key;
    const held = m.observe({ properties: { secondaryType: "Geo", keys: { [uri(V)]: {} } } }, key);
    expect(held).toMatchObject({ state: "APPLIED", keyUri: uri(V), keyVersion: V });
    expect(m.observe({ properties: { secondaryType: "Geo", keys: {} } }, key).state).toBe(
      "MICROSOFT_MANAGED",
    );
  });

  it("refuses master and a database that already carries another identity", () => {
    const other = UAMI.replace("crosskey-cmk", "someone-else");
    const withOther = input(DB);
    withOther.resource.body = {
      identity: { type: "UserAssigned", userAssignedIdentities: { [other]: {}, [UAMI]: {} } },
    };
    expect(m.check(withOther).map((p) => p.code)).toEqual(["MultipleIdentitiesOnDatabase"]);
    withOther.resource.body = { identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } } };
    expect(m.check(withOther)).toEqual([]);
    expect(m.check(input(DB.replace(/db$/, "master"))).map((p) => p.code)).toEqual([
      "CannotAssignIdentityToMaster",
    ]);
  });

  it("observe reads the database's own protector", () => {
    expect(m.observe({ properties: {} }).state).toBe("MICROSOFT_MANAGED");
    expect(
      m.observe({ properties: { encryptionProtector: uri(V), provisioningState: "Updating" } }).state,
    ).toBe("PENDING");
    const applied = m.observe(
      { properties: { encryptionProtector: uri(V), encryptionProtectorAutoRotation: true } },
      input(DB).key,
    );
    expect(applied).toMatchObject({ state: "APPLIED", keyUri: uri(V), keyVersion: V });
    expect(applied.detail).toMatch(/rotating automatically/);
    const other = m.observe(
      { properties: { encryptionProtector: `https://other.vault.azure.net/keys/x/${V}` } },
      input(DB).key,
    );
    expect(other.state).toBe("DRIFTED");
    expect(
      m.observe({ properties: { encryptionProtector: uri(V), status: "Inaccessible" } }, input(DB).key),
    ).toMatchObject({ state: "FAILED", azureStatus: "Inaccessible" });
  });
});
