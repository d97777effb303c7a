import { randomBytes, type KeyObject } from "node:crypto";
import type { ArmWorld } from "../arm/world.js";
import { generateKeyMaterial, type Curve, type Kty } from "./crypto.js";
import { HsmRbacStore } from "./hsm-rbac.js";

type WorldKey = ArmWorld["keys"][number];

/** One version of a key; material never leaves the emulator. Times are emulator-clock Unix seconds. */
export interface KeyVersion {
  name: string;
  version: string;
  kty: Kty;
  size?: number;
  crv?: Curve;
  keyOps: string[];
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  tags: Record<string, string>;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export interface CreateKeyInput {
  kty: Kty;
  size?: number;
  crv?: Curve;
  keyOps?: string[];
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  tags?: Record<string, string>;
  /** A fixed version id (world keys); otherwise a random one, as Key Vault makes. */
  version?: string;
}

const DEFAULT_OPS: Record<string, string[]> = {
  RSA: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
  EC: ["sign", "verify"],
};

/** Keys and their versions, per vault host (lower-case). Authorization lives in the routes/authz layer. */
export class KeyVaultStore {
  private readonly vaults = new Map<string, Map<string, KeyVersion[]>>();
  /** Soft-deleted keys per vault host: recoverable until purged (emulator-clock seconds). */
  private readonly deleted = new Map<string, Map<string, { versions: KeyVersion[]; deletedAt: number }>>();
  /** Managed HSM local role assignments (hsm-rbac.ts). */
  readonly hsmRbac = new HsmRbacStore();

  constructor(private readonly nowSeconds: () => number) {}

  /** Clears every key, then creates the world's pre-existing keys (vault given by name or full host). */
  async reset(worldKeys: WorldKey[] = []): Promise<void> {
    this.vaults.clear();
    this.deleted.clear();
    this.hsmRbac.clear();
    for (const k of worldKeys) {
      const host = k.vault.includes(".") ? k.vault : `${k.vault}.vault.azure.net`;
      await this.createKey(host, k.name, {
        kty: k.kty,
        size: k.kty.startsWith("RSA") ? (k.size ?? 2048) : undefined,
        crv: k.kty.startsWith("EC") ? (k.curve ?? "P-256") : undefined,
        enabled: k.enabled,
        version: k.version,
      });
    }
  }

  private versionsOf(host: string, name: string): KeyVersion[] | undefined {
    return this.vaults.get(host.toLowerCase())?.get(name.toLowerCase());
  }

  /** Create a key or a new version of it (rotate = create with the same name). */
  async createKey(host: string, name: string, input: CreateKeyInput): Promise<KeyVersion> {
    const { publicKey, privateKey } = await generateKeyMaterial(input.kty, input.size, input.crv);
    const now = this.nowSeconds();
    const v: KeyVersion = {
      name: this.versionsOf(host, name)?.[0]?.name ?? name,
      version: input.version ?? randomBytes(16).toString("hex"),
      kty: input.kty,
      size: input.size,
      crv: input.crv,
      keyOps: input.keyOps ?? DEFAULT_OPS[input.kty.startsWith("RSA") ? "RSA" : "EC"] ?? [],
      enabled: input.enabled ?? true,
      nbf: input.nbf,
      exp: input.exp,
      created: now,
      updated: now,
      tags: input.tags ?? {},
      publicKey,
      privateKey,
    };
    const h = host.toLowerCase();
    const vault = this.vaults.get(h) ?? new Map<string, KeyVersion[]>();
    this.vaults.set(h, vault);
    vault.set(name.toLowerCase(), [...(vault.get(name.toLowerCase()) ?? []), v]);
    return v;
  }

  /** Versionless = the newest version (Key Vault returns it whatever its enabled state). */
  getKey(host: string, name: string, version?: string): KeyVersion | undefined {
    const versions = this.versionsOf(host, name);
    if (!versions?.length) return undefined;
    if (!version) return versions[versions.length - 1];
    return versions.find((v) => v.version === version.toLowerCase());
  }

  listVersions(host: string, name: string): KeyVersion[] {
    return [...(this.versionsOf(host, name) ?? [])];
  }

  listKeys(host: string): KeyVersion[] {
    return [...(this.vaults.get(host.toLowerCase())?.values() ?? [])].flatMap((v) => v.slice(-1));
  }

  /** Soft-deletes every version of a key (a vault with soft delete keeps it recoverable). */
  deleteKey(host: string, name: string): { latest: KeyVersion; deletedAt: number } | undefined {
    const h = host.toLowerCase();
    const versions = this.versionsOf(host, name);
    const latest = versions?.[versions.length - 1];
    if (!versions || !latest) return undefined;
    this.vaults.get(h)!.delete(name.toLowerCase());
    const bin = this.deleted.get(h) ?? new Map<string, { versions: KeyVersion[]; deletedAt: number }>();
    this.deleted.set(h, bin);
    const deletedAt = this.nowSeconds();
    bin.set(name.toLowerCase(), { versions, deletedAt });
    return { latest, deletedAt };
  }

  getDeletedKey(host: string, name: string): { latest: KeyVersion; deletedAt: number } | undefined {
    const entry = this.deleted.get(host.toLowerCase())?.get(name.toLowerCase());
    const latest = entry?.versions[entry.versions.length - 1];
    return entry && latest ? { latest, deletedAt: entry.deletedAt } : undefined;
  }

  /** Brings a soft-deleted key back with all its versions. */
  recoverKey(host: string, name: string): KeyVersion | undefined {
    const h = host.toLowerCase();
    const entry = this.deleted.get(h)?.get(name.toLowerCase());
    if (!entry) return undefined;
    this.deleted.get(h)!.delete(name.toLowerCase());
    const vault = this.vaults.get(h) ?? new Map<string, KeyVersion[]>();
    this.vaults.set(h, vault);
    vault.set(name.toLowerCase(), entry.versions);
    return entry.versions[entry.versions.length - 1];
  }

  updateKey(
    host: string,
    name: string,
    version: string | undefined,
    patch: Partial<Pick<KeyVersion, "enabled" | "nbf" | "exp" | "keyOps" | "tags">>,
  ): KeyVersion | undefined {
    const v = this.getKey(host, name, version);
    if (!v) return undefined;
    Object.assign(v, Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)), {
      updated: this.nowSeconds(),
    });
    return v;
  }
}
