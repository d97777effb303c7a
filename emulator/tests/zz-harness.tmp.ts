// TEMPORARY stand-in for createEmulator until src/server.ts exists (resource-side testing only).
import Fastify from "fastify";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Clock } from "../src/core/clock.js";
import { Faults } from "../src/core/faults.js";
import { TokenService } from "../src/core/tokens.js";
import { ensureTls } from "../src/core/certs.js";
import { armWorldSchema, createArmService, type ArmWorldInput } from "../src/arm/index.js";
import { createKeyVaultService } from "../src/keyvault/index.js";

export const ISV = "11111111-1111-4111-8111-111111111111";
export const CUST = "c0000000-0000-4000-8000-00000000c001";
export const UAMI = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk";
export const SP = "99999999-9999-4999-8999-999999999999";

export async function createEmulator(opts: { world: ArmWorldInput; dataDir: string }) {
  const clock = new Clock();
  const tokens = new TokenService(opts.dataDir, clock);
  const uami = { id: "x", resourceId: UAMI, name: "crosskey-cmk", clientId: "44444444-4444-4444-8444-444444444444", principalId: "55555555-5555-4555-8555-555555555555", tenantId: ISV, location: "westeurope" };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- temporary harness
  const emu: any = {
    baseUrl: "", clock, faults: new Faults(), tokens,
    settings: { rolePropagationSeconds: 0, armWritesPerSecond: 10, armWriteBurst: 200, lroSeconds: 1 },
    directory: { getUamiByResourceId: (id: string) => id.toLowerCase() === UAMI.toLowerCase() ? uami : undefined, listUamis: () => [uami], getUser: () => undefined, getServicePrincipalById: () => undefined, getUamiByPrincipalId: () => undefined },
    federation: { acquireForUami: async (i: { tenantId: string }) => ({ ok: true, accessToken: "", claims: { oid: SP, tid: i.tenantId, appid: "22222222-2222-4222-8222-222222222222", iss: `https://sts.windows.net/${i.tenantId}/` } }) },
  };
  const arm = createArmService(emu), kv = createKeyVaultService(emu);
  emu.arm = arm.store; emu.keyVault = kv.store;
  arm.store.reset(armWorldSchema.parse(opts.world));
  const tls = await ensureTls(opts.dataDir);
  const app = Fastify({ https: { cert: tls.cert, key: tls.key } });
  arm.register(app); kv.register(app);
  const addr = await app.listen({ port: 0, host: "127.0.0.1" });
  const url = addr.replace("127.0.0.1", "localhost");
  emu.baseUrl = url;
  return { url, emu, caFile: tls.caFile, close: () => app.close() };
}

export const tmpDataDir = () => mkdtempSync(path.join(tmpdir(), "emu-res-"));
