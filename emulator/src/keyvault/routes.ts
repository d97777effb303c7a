import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { KEY_VAULT_DATA_API_VERSIONS as API_VERSIONS } from "../core/api-versions.js";
import type { Emulator } from "../emulator.js";
import { applyFault } from "../core/fault-hook.js";
import { registerService, requestUrl } from "../core/service.js";
import { authenticateKv } from "./auth.js";
import { checkAccess, checkFirewall, type KeyOp } from "./authz.js";
import { badParameter, keyNotFound, KvError } from "./errors.js";
import {
  cryptoOperation,
  cryptoSchema,
  createKey,
  createKeySchema,
  keyBundle,
  keyItem,
  kid,
  requireKey,
  updateKeySchema,
} from "./keys.js";
import { parseRbacPath, rbacAction, runRbac, hsmAccessDenied, type RbacOp } from "./hsm-rbac.js";
import type { KeyVaultStore, KeyVersion } from "./store.js";
import { VAULT_HOST, vaultView, type VaultView } from "./vault.js";

const CRYPTO = {
  wrapkey: "wrapKey",
  unwrapkey: "unwrapKey",
  encrypt: "encrypt",
  decrypt: "decrypt",
} as const;

interface Ctx {
  emu: Emulator;
  store: KeyVaultStore;
  vault: VaultView;
  method: string;
  parts: string[];
  body: unknown;
}
type Handler = { op: KeyOp; name?: string; run: () => Promise<unknown> | unknown };

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw badParameter(`The request body is invalid: ${r.error.message}`);
  return r.data;
}

/** Maps method + path (after the host) to the operation, its required permission and its handler. */
function route(c: Ctx): Handler | undefined {
  const { store, vault, method, parts } = c;
  const [root, name = "", seg = "", action = ""] = parts;
  const now = () => c.emu.clock.nowSeconds();
  // Recover a soft-deleted key: POST /deletedkeys/{name}/recover (Key Vault REST "Recover Deleted Key").
  if (root?.toLowerCase() === "deletedkeys" && method === "POST" && seg.toLowerCase() === "recover") {
    return {
      op: "recover",
      name,
      run: () => {
        const v = store.recoverKey(vault.host, name);
        if (!v) throw keyNotFound(name);
        return keyBundle(vault, v);
      },
    };
  }
  // GET /deletedkeys/{name} (what the SDK's delete poller reads). Which data action Key Vault checks for it is
  // not documented per operation; the emulator asks for keys/read (a guess, COVERAGE.md).
  if (root?.toLowerCase() === "deletedkeys" && method === "GET" && name && !seg) {
    return {
      op: "get",
      name,
      run: () => {
        const gone = store.getDeletedKey(vault.host, name);
        if (!gone) throw keyNotFound(name);
        return deletedBundle(vault, gone);
      },
    };
  }
  if (root?.toLowerCase() !== "keys") return undefined;
  if (!name)
    return method === "GET"
      ? {
          op: "list",
          run: () => ({
            value: store
              .listKeys(vault.host)
              .map((v) => ({ ...keyItem(vault, v), kid: `https://${vault.host}/keys/${v.name}` })),
            nextLink: null,
          }),
        }
      : undefined;
  const s = seg.toLowerCase();
  if (method === "POST" && s === "create") {
    return {
      op: "create",
      name,
      run: async () =>
        keyBundle(vault, await createKey(store, vault, name, parseBody(createKeySchema, c.body))),
    };
  }
  if (method === "POST" && s === "rotate") {
    return {
      op: "rotate",
      name,
      run: async () => {
        const cur = requireKey(store, vault, name);
        return keyBundle(
          vault,
          await store.createKey(vault.host, name, {
            kty: cur.kty,
            size: cur.size,
            crv: cur.crv,
            keyOps: cur.keyOps,
            tags: cur.tags,
          }),
        );
      },
    };
  }
  if (method === "GET" && s === "versions") {
    return {
      op: "list",
      name,
      run: () => {
        requireKey(store, vault, name);
        return { value: store.listVersions(vault.host, name).map((v) => keyItem(vault, v)), nextLink: null };
      },
    };
  }
  // `/keys/{name}/{version}/wrapkey`, or versionless `/keys/{name}/wrapkey` (the key's current version; Key Vault
  // REST "Wrap Key": the version segment is optional).
  const versionless = !action && s in CRYPTO;
  const cryptoOp = CRYPTO[(versionless ? s : action.toLowerCase()) as keyof typeof CRYPTO];
  if (method === "POST" && cryptoOp) {
    return {
      op: cryptoOp,
      name,
      run: () => {
        const v = requireKey(store, vault, name, versionless ? undefined : seg || undefined);
        return cryptoOperation(v, cryptoOp, parseBody(cryptoSchema, c.body), now(), kid(vault, v));
      },
    };
  }
  if (action) return undefined;
  if (method === "GET")
    return { op: "get", name, run: () => keyBundle(vault, requireKey(store, vault, name, seg || undefined)) };
  if (method === "DELETE" && !seg) {
    // Soft delete (Key Vault REST "Delete Key"): every version goes to the deleted-keys bin with its dates.
    return {
      op: "delete",
      name,
      run: () => {
        const gone = store.deleteKey(vault.host, name);
        if (!gone) throw keyNotFound(name);
        return deletedBundle(vault, gone);
      },
    };
  }
  if (method === "PATCH") {
    return {
      op: "update",
      name,
      run: () => {
        const b = parseBody(updateKeySchema, c.body);
        requireKey(store, vault, name, seg || undefined);
        const v = store.updateKey(vault.host, name, seg || undefined, {
          ...b.attributes,
          keyOps: b.key_ops,
          tags: b.tags,
        });
        return keyBundle(vault, v ?? requireKey(store, vault, name, seg || undefined));
      },
    };
  }
  return undefined;
}

/** A DeletedKeyBundle: the key as it was, where to recover it from, and when it will be purged. */
function deletedBundle(vault: VaultView, gone: { latest: KeyVersion; deletedAt: number }) {
  const days = vault.softDelete ? vault.retentionDays : 0;
  return {
    ...keyBundle(vault, gone.latest),
    recoveryId: `https://${vault.host}/deletedkeys/${gone.latest.name}`,
    deletedDate: gone.deletedAt,
    scheduledPurgeDate: gone.deletedAt + days * 86_400,
  };
}

async function handle(
  emu: Emulator,
  store: KeyVaultStore,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const url = requestUrl(req);
  const [, , host = "", ...parts] = url.pathname.split("/").map(decodeURIComponent);
  reply.headers({
    "x-ms-request-id": randomUUID(),
    "x-ms-keyvault-service-version": "1.9.0.0",
    "x-ms-keyvault-network-info": `conn_type=Ipv4;addr=${req.ip};act_addr_fam=InterNetwork;`,
  });
  const armVault = VAULT_HOST.test(host) ? emu.arm.findVaultByHost(host) : undefined;
  // In Azure the name of a vault that does not exist does not resolve: the client gets a DNS failure, never an
  // answer. Proxy mode refuses the CONNECT as a failed DNS lookup (proxy/server.ts); a client calling the emulator's
  // own URL gets 404 marked `x-crosskey-emulator-dns: NXDOMAIN` (COVERAGE.md).
  if (!armVault)
    throw new KvError(
      404,
      "VaultNotFound",
      `The vault '${host}' does not exist (emulator: no vault with this host in the world or created through ARM).`,
      undefined,
      { "x-crosskey-emulator-dns": "NXDOMAIN" },
    );
  const vault = vaultView(armVault);
  reply.header("x-ms-keyvault-region", vault.location);
  const c: Ctx = { emu, store, vault, method: req.method, parts, body: req.body };
  // Managed HSM local RBAC (hsm-rbac.ts): `/{scope}/providers/Microsoft.Authorization/…` on an HSM host only.
  const rbac = vault.kind === "managedHsm" ? parseRbacPath(req.method, parts) : undefined;
  const h = rbac ? undefined : route(c);
  if (
    await applyFault(
      emu,
      reply,
      {
        service: "keyvault",
        operation: rbac ? rbacFaultName(rbac) : (h?.op ?? "unknown"),
        method: req.method,
        path: url.pathname,
      },
      (status) => ({
        error: { code: status === 429 ? "Throttled" : "InternalServerError", message: "Injected fault." },
      }),
    )
  )
    return reply;
  const apiVersion = url.searchParams.get("api-version");
  if (!apiVersion) throw badParameter("The api-version query parameter is missing.");
  if (!API_VERSIONS.includes(apiVersion))
    throw badParameter(
      `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${API_VERSIONS.at(-1)}).`,
    );
  const caller = await authenticateKv(emu, vault, req.headers.authorization, req.ip);
  checkFirewall(vault, caller);
  // A managed HSM serves nothing until its security domain is activated (code and text: a guess, COVERAGE.md).
  if (!vault.activated)
    throw new KvError(
      403,
      "Forbidden",
      `The managed HSM '${vault.name}' is not activated. Download its security domain to activate it.`,
    );
  if (rbac) {
    const need = rbacAction(rbac);
    const allowed = store.hsmRbac.allows(vault, {
      principalId: caller.oid,
      action: `Microsoft.KeyVault/managedHsm/${need.action}`,
      scope: need.scope,
      atSeconds: emu.clock.nowSeconds(),
      propagationSeconds: emu.settings.rolePropagationSeconds,
    });
    if (!allowed) throw hsmAccessDenied(need.action, need.scope);
    const out = runRbac(
      store.hsmRbac,
      vault,
      rbac,
      req.body,
      emu.clock.nowSeconds(),
      url.searchParams.get("$filter"),
    );
    return reply.code(out.status).send(out.body);
  }
  if (!h)
    throw new KvError(
      400,
      "BadParameter",
      `The request URI ${url.pathname.replace(`/keyvault/${host}`, "")} is not supported.`,
    );
  checkAccess(emu, vault, caller, h.op, h.name);
  return reply.code(200).send(await h.run());
}

/** Fault operation names of Managed HSM role management. */
function rbacFaultName(op: RbacOp): string {
  if (op.kind === "assignment")
    return `roleAssignments.${op.method === "PUT" ? "create" : op.method === "DELETE" ? "delete" : "get"}`;
  return op.kind === "assignments"
    ? "roleAssignments.list"
    : `roleDefinitions.${op.kind === "definition" ? "get" : "list"}`;
}

const KV_ERRORS = {
  invalidJson: (m: string) => badParameter(`The request body is not valid JSON: ${m}`),
  response: (err: unknown) => (err instanceof KvError ? kvResponse(err) : undefined),
  internal: (m: string) => kvResponse(new KvError(500, "InternalServerError", m)),
};
const kvResponse = (e: KvError) => ({ status: e.status, headers: e.headers, body: e.toBody() });

export function registerKeyVaultRoutes(app: FastifyInstance, emu: Emulator, store: KeyVaultStore): void {
  registerService(app, KV_ERRORS, (scope) => {
    scope.all("/keyvault/*", (req, reply) => handle(emu, store, req, reply));
  });
}
