import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

export interface TlsMaterial {
  caFile: string;
  cert: string;
  key: string;
}

const DAY_MS = 86_400_000;

/**
 * A local CA and a server certificate for localhost / 127.0.0.1 / ::1, generated on first start into
 * `<dataDir>/tls` and reused after, so the CA given to Node via NODE_EXTRA_CA_CERTS stays valid.
 */
export async function ensureTls(dataDir: string): Promise<TlsMaterial> {
  const dir = path.join(dataDir, "tls");
  const files = {
    ca: path.join(dir, "ca.pem"),
    cert: path.join(dir, "cert.pem"),
    key: path.join(dir, "key.pem"),
  };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key) && stillValid(files.cert)) {
    return { caFile: files.ca, cert: readFileSync(files.cert, "utf8"), key: readFileSync(files.key, "utf8") };
  }
  mkdirSync(dir, { recursive: true });
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const ca = await generate([{ name: "commonName", value: "Crosskey Emulator Local CA" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(Date.now() + 3650 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(Date.now() + 825 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  writeFileSync(files.ca, ca.cert);
  writeFileSync(path.join(dir, "ca-key.pem"), ca.private, { mode: 0o600 });
  writeFileSync(files.cert, server.cert);
  writeFileSync(files.key, server.private, { mode: 0o600 });
  return { caFile: files.ca, cert: server.cert, key: server.private };
}

/**
 * Proxy mode's server certificate: Azure's real host names (src/proxy/hosts.ts), signed by the same local CA,
 * so a client that trusts the CA for the emulator trusts these too. Made on first use, reused after.
 */
export async function ensureProxyCertificate(
  dataDir: string,
  names: string[],
): Promise<{ cert: string; key: string }> {
  const tls = await ensureTls(dataDir);
  const dir = path.dirname(tls.caFile);
  const files = { cert: path.join(dir, "proxy-cert.pem"), key: path.join(dir, "proxy-key.pem") };
  if (existsSync(files.cert) && existsSync(files.key) && stillValid(files.cert)) {
    const san = new X509Certificate(readFileSync(files.cert)).subjectAltName ?? "";
    if (names.every((n) => san.includes(`DNS:${n}`)))
      return { cert: readFileSync(files.cert, "utf8"), key: readFileSync(files.key, "utf8") };
  }
  const caKeyFile = path.join(dir, "ca-key.pem");
  if (!existsSync(caKeyFile))
    throw new Error(`Proxy mode needs the CA's key, ${caKeyFile}; delete ${dir} to start over.`);
  const server = await generate([{ name: "commonName", value: names[0] ?? "proxy" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 825 * DAY_MS),
    ca: { key: readFileSync(caKeyFile, "utf8"), cert: readFileSync(tls.caFile, "utf8") },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  writeFileSync(files.cert, server.cert);
  writeFileSync(files.key, server.private, { mode: 0o600 });
  return { cert: server.cert, key: server.private };
}

function stillValid(certFile: string): boolean {
  try {
    return new Date(new X509Certificate(readFileSync(certFile)).validTo).getTime() > Date.now() + 7 * DAY_MS;
  } catch {
    return false;
  }
}
