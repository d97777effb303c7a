import { describe, expect, it } from "vitest";
import {
  driftOf,
  identityProblems,
  identityWith,
  isRunning,
  keyTypeProblems,
  parseArmBody,
  armBodySchema,
  props,
  sameKey,
  versionedUri,
  versionlessUri,
  versionOf,
} from "../../../lib/cmk/common";
import { AppError } from "../../../lib/errors";
import { z } from "zod";
import { APP, key, OTHER_UAMI, UAMI, V, V2 } from "./fixtures";

const KV = "https://kv.vault.azure.net";

describe("[cmk] the shared rules every resource module uses", () => {
  it("key type and size: RSA only, then the service's sizes, in words", () => {
    expect(keyTypeProblems(key(), "Azure SQL", [2048, 3072])).toEqual([]);
    expect(keyTypeProblems(key({ keyType: "RSA-HSM", keySize: null }), "Azure SQL", [2048, 3072])).toEqual(
      [],
    );
    expect(keyTypeProblems(key({ keyType: "EC" }), "Azure SQL", [2048, 3072])).toEqual([
      { code: "KeyTypeNotSupported", message: "Azure SQL accepts only RSA keys; the customer's key is EC." },
    ]);
    expect(keyTypeProblems(key({ keySize: 4096 }), "Azure SQL", [2048, 3072])).toEqual([
      {
        code: "KeySizeNotSupported",
        message: "Azure SQL accepts RSA keys of 2048, 3072 bits; the customer's key has 4096.",
      },
    ]);
  });

  it("the ISV identity: a UAMI resource ID and a GUID client ID, each refused in words", () => {
    expect(identityProblems({ uamiResourceId: UAMI, federatedClientId: APP })).toEqual([]);
    expect(identityProblems({ uamiResourceId: `${UAMI}/extra`, federatedClientId: "not-a-guid" })).toEqual([
      {
        code: "EncryptionIdentityInvalid",
        message: `The encryption identity "${UAMI}/extra" is not a user-assigned managed identity's resource ID; fix CMK_UAMI_RESOURCE_ID.`,
      },
      {
        code: "FederatedClientIdInvalid",
        message: 'The multi-tenant app ID "not-a-guid" is not a GUID; fix CMK_APP_CLIENT_ID.',
      },
    ]);
    expect(identityProblems({ uamiResourceId: `x${UAMI}`, federatedClientId: `${APP}x` })).toHaveLength(2);
  });

  it("adds the encryption identity to what the resource has, keeping its other identities", () => {
    const identity = { uamiResourceId: UAMI, federatedClientId: APP };
    expect(identityWith({}, identity)).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: { [UAMI]: {} },
    });
    expect(identityWith(null, identity)).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: { [UAMI]: {} },
    });
    expect(
      identityWith(
        {
          identity: {
            type: "SystemAssigned, UserAssigned",
            userAssignedIdentities: { [OTHER_UAMI]: { principalId: "p" } },
          },
        },
        identity,
      ),
    ).toEqual({
      type: "SystemAssigned,UserAssigned",
      userAssignedIdentities: { [OTHER_UAMI]: {}, [UAMI]: {} },
    });
    expect(identityWith({ identity: "garbage" }, identity).type).toBe("UserAssigned");
  });

  it("key URIs: versionless without the vault's trailing slash, versioned with the pinned or verified version", () => {
    expect(versionlessUri(key({ vaultUri: `${KV}//` }))).toBe(`${KV}/keys/cmk`);
    expect(versionedUri(key())).toBe(`${KV}/keys/cmk/${V}`);
    expect(versionedUri(key({ keyVersion: V2 }))).toBe(`${KV}/keys/cmk/${V2}`);
    expect(versionOf(`${KV}/keys/cmk/${V.toUpperCase()}`)).toBe(V);
    expect(versionOf(`${KV}/keys/cmk`)).toBeNull();
    expect(versionOf(`${KV}/keys/cmk/short`)).toBeNull();
    expect(versionOf(null)).toBeNull();
  });

  it("the same key: vault host and key name, without case or :443; another vault or key is not", () => {
    expect(sameKey(`HTTPS://KV.vault.azure.net:443/keys/CMK/${V}`, key())).toBe(true);
    expect(sameKey(`${KV}/keys/cmk`, key())).toBe(true);
    expect(sameKey("https://kv2.vault.azure.net/keys/cmk", key())).toBe(false);
    expect(sameKey(`${KV}/keys/cmk2`, key())).toBe(false);
    expect(sameKey(`${KV}/secrets/cmk`, key())).toBe(false);
    expect(sameKey(`http://kv.vault.azure.net/keys/cmk`, key())).toBe(false);
    expect(sameKey(null, key())).toBe(false);
    expect(sameKey("", key())).toBe(false);
  });

  it("drift: another key, or another version than the pinned one; a versionless hand-over follows", () => {
    expect(driftOf(`${KV}/keys/cmk`, V, undefined)).toBeNull();
    expect(driftOf("https://x.vault.azure.net/keys/k", null, key())).toEqual({
      state: "DRIFTED",
      keyUri: "https://x.vault.azure.net/keys/k",
      keyVersion: null,
      detail: "Uses https://x.vault.azure.net/keys/k, not the customer's key.",
    });
    expect(driftOf(`${KV}/keys/cmk/${V2}`, V2, key({ keyVersion: V }))).toEqual({
      state: "DRIFTED",
      keyUri: `${KV}/keys/cmk/${V2}`,
      keyVersion: V2,
      detail: `Uses version ${V2} of the customer's key, not the pinned version ${V}.`,
    });
    expect(driftOf(`${KV}/keys/cmk/${V}`, V, key({ keyVersion: V.toUpperCase() }))).toBeNull();
    expect(driftOf(`${KV}/keys/cmk/${V2}`, V2, key())).toBeNull();
    expect(driftOf(`${KV}/keys/cmk`, null, key({ keyVersion: V }))).toBeNull();
  });

  it("running: any provisioning state but the terminal ones; absent or empty is done", () => {
    for (const state of ["Updating", "Accepted", "ResolvingDNS", "Creating"])
      expect(isRunning({ properties: { provisioningState: state } })).toBe(true);
    for (const state of ["Succeeded", "failed", "CANCELED", "", undefined, 3])
      expect(isRunning({ properties: { provisioningState: state } })).toBe(false);
    expect(isRunning({ properties: { provisioningState: "Succeeded2" } })).toBe(true);
    expect(isRunning({ properties: { provisioningState: "xSucceeded" } })).toBe(true);
    expect(isRunning(null)).toBe(false);
    expect(props({ properties: "x" })).toEqual({});
    expect(props({ properties: { a: 1 } })).toEqual({ a: 1 });
  });

  it("a body that does not fit the schema is an Azure error naming the resource, with the issues", () => {
    const schema = armBodySchema(z.looseObject({ n: z.number().optional() }));
    expect(parseArmBody(schema, undefined, "thing")).toEqual({});
    let error: unknown;
    try {
      parseArmBody(schema, { properties: { n: "one" }, location: 1 }, "storage account");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect([appError.code, appError.message, appError.azureCode]).toEqual([
      "AZURE",
      "Azure returned a storage account Crosskey cannot read.",
      "UnexpectedResponse",
    ]);
    expect(JSON.stringify(appError.options.details)).toMatch(
      /location: .*properties\.n: |properties\.n: .*location: /,
    );
    expect(() => parseArmBody(schema, { identity: { type: 5 } }, "x")).toThrow(AppError);
    expect(() => parseArmBody(schema, { identity: { userAssignedIdentities: [] } }, "x")).toThrow(AppError);
    expect(() => parseArmBody(schema, { id: 5 }, "x")).toThrow(AppError);
  });
});
