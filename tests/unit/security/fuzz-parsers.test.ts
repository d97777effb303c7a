import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { isAllowedKeyVaultHost, keyVaultHttpClient } from "../../../lib/azure/key-vault";
import { jwksCacheSize, JWKS_CACHE_MAX, verifyIdToken } from "../../../lib/auth/verify-id-token";
import { isAppError } from "../../../lib/errors";
import { parseKeyUri } from "../../../lib/keys/parse-key-uri";

/**
 * Property-based fuzzing of what the server parses from strangers: key URIs, the Key Vault transport guard and
 * ID tokens posted to sign-in. Thousands of generated inputs; the property is "a clear refusal or a valid
 * result, never a crash", and an outbound guard records every host the code tried to reach: every one must be
 * a host of the cloud profile. The guard sits under everything (net.Socket#connect): no request leaves.
 */
process.env.SESSION_SECRET ??= "x".repeat(40);
process.env.DATABASE_URL ??= "postgresql://fuzz@localhost:1/none";
process.env.AZURE_CLOUD = "public";

const cloud = getCloudProfile("public");
const profileHosts = new Set([new URL(cloud.authorityHost).hostname]);
// Written out, not computed by the code under test: the profile's authority and its vault/HSM domains.
const allowedOutbound = (host: string) =>
  profileHosts.has(host) ||
  [...cloud.keyVaultSuffixes, ...cloud.managedHsmSuffixes].some((suffix) =>
    host.toLowerCase().endsWith(`.${suffix}`),
  );
const hostsSeen = new Map<string, number>();
const originalConnect = net.Socket.prototype.connect;
let tried = 0;

beforeAll(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const host =
      typeof first === "object" && first !== null
        ? String((first as { host?: string }).host ?? (first as { path?: string }).path ?? "?")
        : String(args[1] ?? "localhost");
    hostsSeen.set(host, (hostsSeen.get(host) ?? 0) + 1);
    process.nextTick(() =>
      this.destroy(new Error(`outbound connection to ${host} blocked by the test guard`)),
    );
    return this;
  } as typeof net.Socket.prototype.connect;
});

afterAll(() => {
  net.Socket.prototype.connect = originalConnect;
  const outside = [...hostsSeen.keys()].filter((h) => !allowedOutbound(h));
  console.log(
    `[fuzz] ${tried} inputs tried; ${hostsSeen.size} outbound host(s) seen (${[...hostsSeen.keys()].join(", ") || "none"}); ${outside.length} outside the cloud profile's allowlist`,
  );
});

const keyVaultish = fc
  .tuple(
    fc.constantFrom("https", "http", "HTTPS", "ftp", "javascript", ""),
    fc.oneof(
      fc.stringMatching(/^[a-z0-9-]{1,30}$/),
      fc.constant("169.254.169.254"),
      fc.constant("localhost"),
      fc.string({ maxLength: 30 }),
    ),
    fc.constantFrom(
      ".vault.azure.net",
      ".managedhsm.azure.net",
      ".vault.azure.net.evil.example",
      ".vault.azure.cn",
      "",
      "@evil.example",
      ".vault.azure.net@evil.example",
      "%2evault.azure.net",
    ),
    fc.constantFrom("", ":443", ":8443", ":0", ":abc"),
    fc.array(
      fc.oneof(fc.constantFrom("keys", "..", ".", "%2F", "secrets", ""), fc.string({ maxLength: 40 })),
      { maxLength: 5 },
    ),
    fc.constantFrom("", "?x=1", "#frag", "\n", " "),
  )
  .map(
    ([scheme, name, suffix, port, segments, tail]) =>
      `${scheme}://${name}${suffix}${port}/${segments.join("/")}${tail}`,
  );

describe("[security] fuzzing what strangers send", () => {
  it("key URIs: thousands of inputs, no crash; every accepted URI names an allowed vault over https:443", () => {
    fc.assert(
      fc.property(fc.oneof(keyVaultish, fc.string({ maxLength: 300 }), fc.webUrl()), (input) => {
        tried++;
        const result = parseKeyUri(input, cloud);
        if (!result.ok) {
          expect(result.problem.message.length).toBeGreaterThan(0);
          return;
        }
        const url = new URL(result.key.uri);
        expect(url.protocol).toBe("https:");
        expect(url.port).toBe("");
        expect(url.hostname).toBe(result.key.vaultHost);
        expect(isAllowedKeyVaultHost(result.key.vaultHost, cloud)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("the Key Vault transport refuses every host outside the profile before any connection", async () => {
    const client = keyVaultHttpClient(cloud);
    await fc.assert(
      fc.asyncProperty(fc.oneof(keyVaultish, fc.webUrl()), async (input) => {
        tried++;
        if (!URL.canParse(input)) return;
        const url = new URL(input);
        const before = new Map(hostsSeen);
        try {
          await client.sendRequest(
            createPipelineRequest({ url: input, method: "GET", headers: createHttpHeaders(), timeout: 2000 }),
          );
        } catch (error) {
          const allowed =
            url.protocol === "https:" &&
            isAllowedKeyVaultHost(url.hostname, cloud) &&
            (!url.port || url.port === "443");
          // Refused by the guard (an AppError) exactly when the host is not allowed; otherwise the test's
          // outbound guard stopped the connection.
          expect(isAppError(error)).toBe(!allowed);
          if (!allowed) expect(new Map(hostsSeen)).toEqual(before);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("ID tokens posted to finish sign-in: refused with a clear error, keys fetched only from the profile's authority", async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const tokenish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .record({
          alg: fc.constantFrom("RS256", "none", "HS256", "ES256"),
          kid: fc.string({ maxLength: 10 }),
          jku: fc.webUrl(),
        })
        .chain((header) =>
          fc
            .record({
              tid: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })),
              iss: fc.oneof(fc.webUrl(), fc.string({ maxLength: 40 })),
              aud: fc.string({ maxLength: 40 }),
              nonce: fc.string({ maxLength: 20 }),
            })
            .map((payload) => `${b64(header)}.${b64(payload)}.${Buffer.from("sig").toString("base64url")}`),
        ),
    );
    await fc.assert(
      fc.asyncProperty(tokenish, async (token) => {
        tried++;
        const outcome = await verifyIdToken(token, {
          audience: "33333333-3333-4333-8333-333333333333",
          nonce: "n",
        }).then(
          () => "accepted",
          (error: unknown) => (isAppError(error) ? error.code : "crash"),
        );
        expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(outcome);
      }),
      { numRuns: 600 },
    );
    expect(jwksCacheSize()).toBeLessThanOrEqual(JWKS_CACHE_MAX);
  });

  it("every host the code tried to reach is in the cloud profile's allowlist", () => {
    expect([...hostsSeen.keys()].filter((h) => !allowedOutbound(h))).toEqual([]);
  });
});
