import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignJWT, jwtVerify, type JWTPayload } from "jose";
import type { Clock } from "./clock.js";

export type Claims = Record<string, unknown>;

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/**
 * The tenant-wide signing key (Entra signs every tenant's tokens with the same rotating keys). Kept in the
 * data dir so tokens and JWKS caches survive restarts; `kid` equals `x5t` as in Entra's JWKS.
 */
export class TokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly kid: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
  ) {
    this.privateKey = loadOrCreateKey(path.join(dataDir, "signing-key.pem"));
    this.publicKey = createPublicKey(this.privateKey);
    const spki = this.publicKey.export({ type: "spki", format: "der" });
    this.kid = createHash("sha1").update(spki).digest("base64url");
  }

  async issue(claims: Claims): Promise<string> {
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: this.kid, x5t: this.kid })
      .sign(this.privateKey);
  }

  /** Verifies signature, audience (one of) and time per the emulator clock; jose error codes (ERR_JWT_EXPIRED…) pass through. */
  async verify(
    jwt: string,
    options: { audiences?: string[]; issuer?: string | string[] } = {},
  ): Promise<Claims> {
    const { payload } = await jwtVerify(jwt, this.publicKey, {
      algorithms: ["RS256"],
      audience: options.audiences,
      issuer: options.issuer,
      currentDate: this.clock.now(),
    });
    return payload as Claims;
  }

  jwks(issuer?: string): JsonWebKeySet {
    const jwk = this.publicKey.export({ format: "jwk" });
    return {
      keys: [
        {
          kty: "RSA",
          use: "sig",
          kid: this.kid,
          x5t: this.kid,
          n: jwk.n,
          e: jwk.e,
          ...(issuer ? { issuer } : {}),
        },
      ],
    };
  }
}

function loadOrCreateKey(file: string): KeyObject {
  if (existsSync(file)) return createPrivateKey(readFileSync(file));
  mkdirSync(path.dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  return privateKey;
}
