import "server-only";
import crypto from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** The evidence signing key: ES256 (ECDSA P-256, SHA-256, RFC 7518 §3.4). */
export const EVIDENCE_ALG = "ES256";

export interface EvidenceKey {
  privateKey: crypto.KeyObject;
  publicJwk: JWK & { kid: string; alg: string; use: string };
}

let cached: Promise<EvidenceKey> | undefined;

/**
 * EVIDENCE_SIGNING_KEY (a PKCS #8 PEM P-256 private key) when set; otherwise a P-256 key derived from
 * SESSION_SECRET with HKDF, so the demo and every instance of one deployment sign with the same key without
 * another secret. Set EVIDENCE_SIGNING_KEY in production: rotating SESSION_SECRET then leaves it alone.
 */
export function getEvidenceKey(): Promise<EvidenceKey> {
  cached ??= loadKey().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadKey(): Promise<EvidenceKey> {
  const env = getEnv();
  const privateKey = env.EVIDENCE_SIGNING_KEY
    ? importPem(env.EVIDENCE_SIGNING_KEY)
    : deriveKey(env.SESSION_SECRET);
  const { kty, crv, x, y } = crypto.createPublicKey(privateKey).export({ format: "jwk" });
  const jwk = { kty: kty!, crv: crv!, x: x!, y: y! };
  return {
    privateKey,
    publicJwk: { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: EVIDENCE_ALG, use: "sig" },
  };
}

function importPem(pem: string): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem.replaceAll("\\n", "\n"));
  } catch (error) {
    throw new AppError("INTERNAL", "EVIDENCE_SIGNING_KEY is not a PEM private key.", { cause: error });
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new AppError(
      "INTERNAL",
      "EVIDENCE_SIGNING_KEY must be an EC P-256 private key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).",
    );
  }
  return key;
}

// The order of P-256's group: a private scalar must lie in [1, n-1] (SEC 2 §2.4.2).
const P256_N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

function deriveKey(secret: string): crypto.KeyObject {
  for (let counter = 0; ; counter++) {
    const bytes = Buffer.from(
      crypto.hkdfSync("sha256", secret, "crosskey", `evidence-signing-key/v1/${counter}`, 32),
    );
    const scalar = BigInt(`0x${bytes.toString("hex")}`);
    if (scalar === 0n || scalar >= P256_N) continue;
    const ecdh = crypto.createECDH("prime256v1");
    ecdh.setPrivateKey(bytes);
    const point = ecdh.getPublicKey();
    return crypto.createPrivateKey({
      format: "jwk",
      key: {
        kty: "EC",
        crv: "P-256",
        d: bytes.toString("base64url"),
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33, 65).toString("base64url"),
      },
    });
  }
}
