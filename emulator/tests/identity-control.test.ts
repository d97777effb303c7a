import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { CMK_APP, CONTOSO, ISV, SIGNIN_APP, SIGNIN_SECRET, startEmulator } from "./identity-helpers.js";

/** The control API (/_emulator) as tests and the demo launcher use it. */
let emulator: RunningEmulator;
let url: string;

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
});
afterAll(() => emulator.close());

const control = async (method: string, p: string, body?: unknown) => {
  const res = await fetch(`${url}/_emulator${p}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "content-type": "application/json" },
  });
  return {
    status: res.status,
    body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>),
  };
};

const clientCredentials = () =>
  fetch(`${url}/${ISV}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: SIGNIN_APP,
      client_secret: SIGNIN_SECRET,
      scope: "https://graph.microsoft.com/.default",
    }),
  });

describe("control API", () => {
  // How fast it answers is not asserted: timing stays out of pass/fail tests on a shared machine.
  it("answers health", async () => {
    expect(await control("GET", "/health")).toMatchObject({
      status: 200,
      body: { status: "ok", baseUrl: url },
    });
  });

  it("injects a counted fault with Retry-After, then lets requests through", async () => {
    const added = await control("POST", "/faults", {
      service: "entra",
      operation: "token",
      status: 503,
      retryAfterSeconds: 2,
      count: 1,
    });
    expect(added.status).toBe(201);
    const faulted = await clientCredentials();
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get("retry-after")).toBe("2");
    expect(((await faulted.json()) as { error: string }).error).toBe("server_error");
    expect((await clientCredentials()).status).toBe(200);
    expect((await control("GET", "/faults")).body).toEqual({ value: [] });
  });

  it("rejects an invalid fault and clears the registry", async () => {
    expect((await control("POST", "/faults", { status: 99 })).status).toBe(400);
    await control("POST", "/faults", {
      service: "graph",
      path: "^/graph/v1.0/organization$",
      status: 500,
      count: 0,
    });
    expect(((await control("GET", "/faults")).body?.value as unknown[]).length).toBe(1);
    expect((await control("DELETE", "/faults")).status).toBe(204);
    expect((await control("GET", "/faults")).body).toEqual({ value: [] });
  });

  it("advances and sets the clock, which token lifetimes follow", async () => {
    const before = (await control("GET", "/clock")).body?.nowSeconds as number;
    const after = (await control("POST", "/clock/advance", { seconds: 3600 })).body?.nowSeconds as number;
    expect(after - before).toBeGreaterThanOrEqual(3600);
    const token = ((await (await clientCredentials()).json()) as { access_token: string }).access_token;
    const iat = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).iat as number;
    expect(iat).toBeGreaterThanOrEqual(after);
    const set = await control("PUT", "/clock", { now: "2030-01-01T00:00:00Z" });
    expect(set.body?.nowSeconds).toBeGreaterThanOrEqual(Date.parse("2030-01-01T00:00:00Z") / 1000);
  });

  it("changes settings and resets everything back to the world", async () => {
    expect((await control("PATCH", "/settings", { rolePropagationSeconds: 30 })).body).toMatchObject({
      rolePropagationSeconds: 30,
    });
    expect((await control("PATCH", "/settings", { unknown: 1 })).status).toBe(400);
    emulator.emu.directory.createServicePrincipal(CONTOSO, CMK_APP);
    expect((await control("POST", "/reset")).status).toBe(200);
    expect(emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP)).toBeUndefined();
    expect((await control("GET", "/settings")).body).toMatchObject({ rolePropagationSeconds: 0 });
    expect(Math.abs(((await control("GET", "/clock")).body?.offsetSeconds as number) ?? 1)).toBe(0);
  });

  it("loads a world from the body, refusing an invalid one", async () => {
    const world = JSON.parse(readFileSync(path.join(import.meta.dirname, "../world/demo.json"), "utf8")) as {
      tenants: unknown[];
    };
    expect(
      (await control("PUT", "/world", { ...world, tenants: world.tenants.slice(0, 2) })).body,
    ).toMatchObject({ tenants: 2 });
    expect((await control("GET", "/state")).body?.directory).toMatchObject({
      tenants: [{ id: ISV }, { id: CONTOSO }],
    });
    expect((await control("PUT", "/world", { tenants: [] })).status).toBe(400);
    expect((await control("PUT", "/world", world)).body).toMatchObject({ tenants: 5 });
  });
});
