import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./fixtures";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { EMULATOR_URL, stackInfo } from "./helpers";
import { browserSignIn, pickAccount } from "../../scripts/lib/emulated-customer";
import { HttpBrowser, type HttpAnswer } from "../../scripts/lib/http-browser";

/**
 * The authorization matrix, generated from the code: every exported server action (every `"use server"`
 * module under app/) and every route handler (every app/**\/route.ts export) is called over HTTP, as a
 * browser would, by each kind of caller. A new action or route without a row below fails the first test;
 * each cell is the designed outcome. Customer B (another tenant) must never reach customer A's things.
 *
 *   allowed: the caller got past authentication and roles (the step may still refuse bad input)
 *   denied:  401/403, an UNAUTHENTICATED/FORBIDDEN result, or a customer sent to "session ended"
 *   hidden:  404: the thing exists but not for this caller
 *   public:  anyone may call it; the step itself decides (sign-in, consent callback)
 */
test.describe.configure({ mode: "serial", timeout: 5 * 60_000 });

const ROLES = ["anonymous", "customer A", "customer B", "no role", "Support", "Operator", "Admin"] as const;
type Role = (typeof ROLES)[number];
type Outcome = "allowed" | "denied" | "hidden" | "public";
type Expected = Record<Role, Outcome>;

const row = (outcomes: Outcome[]): Expected =>
  Object.fromEntries(ROLES.map((role, i) => [role, outcomes[i]!])) as Expected;
const OPERATORS = row(["denied", "denied", "denied", "denied", "allowed", "allowed", "allowed"]);
const WRITERS = row(["denied", "denied", "denied", "denied", "denied", "allowed", "allowed"]);
const ADMINS = row(["denied", "denied", "denied", "denied", "denied", "denied", "allowed"]);
const CUSTOMERS = row(["denied", "allowed", "allowed", "denied", "denied", "denied", "denied"]);
const EVERYONE = row(["public", "public", "public", "public", "public", "public", "public"]);
const NOBODY = row(["denied", "denied", "denied", "denied", "denied", "denied", "denied"]);

interface Fixture {
  tokenA: string;
  onboardingA: string;
  packA: string;
}
const randomId = () => crypto.randomUUID();
const form = (values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
};

/** Server actions: `file#export` → the arguments sent and the designed outcome per caller. */
const ACTIONS: Record<string, { args: (f: Fixture) => unknown[]; expected: Expected }> = {
  "app/console/actions.ts#createInvite": {
    args: () => [null, form({ customerName: "" })],
    expected: WRITERS,
  },
  "app/console/actions.ts#revokeInviteAction": { args: () => [randomId()], expected: WRITERS },
  "app/console/actions.ts#reissueInviteAction": { args: () => [randomId()], expected: WRITERS },
  "app/console/customer-search.ts#searchCustomersAction": { args: () => ["", false], expected: OPERATORS },
  // Setting the policy it already has ("wait for approval", the default) changes nothing.
  "app/console/approvals/actions.ts#setKeyHandoverPolicyAction": {
    args: () => ["APPROVAL"],
    expected: ADMINS,
  },
  "app/console/evidence/actions.ts#generateEvidencePackAction": {
    args: () => [randomId()],
    expected: OPERATORS,
  },
  "app/console/health/actions.ts#checkKeyNowAction": { args: () => [randomId()], expected: OPERATORS },
  "app/console/notifications/actions.ts#createChannelAction": {
    args: () => [null, form({})],
    expected: ADMINS,
  },
  "app/console/notifications/actions.ts#setChannelEnabledAction": {
    args: () => [randomId(), true],
    expected: ADMINS,
  },
  "app/console/notifications/actions.ts#sendTestEventAction": { args: () => [randomId()], expected: ADMINS },
  "app/console/operations/actions.ts#previewOperationAction": { args: () => [{}], expected: OPERATORS },
  "app/console/operations/actions.ts#requestOperationAction": { args: () => [{}], expected: OPERATORS },
  "app/console/operations/actions.ts#approveOperationAction": { args: () => [randomId()], expected: ADMINS },
  "app/console/operations/actions.ts#rejectOperationAction": { args: () => [randomId()], expected: ADMINS },
  "app/console/operations/actions.ts#previewFleetRunAction": { args: () => [{}], expected: OPERATORS },
  "app/console/operations/actions.ts#requestFleetRunAction": { args: () => [{}], expected: OPERATORS },
  "app/console/operations/actions.ts#fleetRunControlAction": {
    args: () => [randomId(), "pause"],
    expected: WRITERS,
  },
  "app/console/resources/actions.ts#discoverResourcesAction": { args: () => [], expected: WRITERS },
  "app/console/resources/actions.ts#addResourceAction": {
    args: () => [null, form({ armId: "not an ARM ID" })],
    expected: WRITERS,
  },
  "app/console/resources/actions.ts#assignResourceAction": {
    args: () => [randomId(), ""],
    expected: WRITERS,
  },
  "app/console/resources/actions.ts#planApplyAction": { args: () => [randomId()], expected: WRITERS },
  "app/console/resources/actions.ts#applyAction": { args: () => [randomId(), ""], expected: WRITERS },
  "app/console/resources/actions.ts#recheckAction": { args: () => [randomId()], expected: WRITERS },
  "app/console/setup/actions.ts#checkPhase1Action": { args: () => [], expected: WRITERS },
  "app/console/setup/actions.ts#repairCredentialAction": { args: () => [null, form({})], expected: ADMINS },
  "app/onboard/actions.ts#beginCustomerSignIn": { args: (f) => [f.tokenA], expected: EVERYONE },
  "app/onboard/actions.ts#finishCustomerSignIn": { args: () => ["not-an-id-token"], expected: EVERYONE },
  "app/onboard/actions.ts#beginAdminConsent": { args: () => [], expected: CUSTOMERS },
  "app/onboard/actions.ts#checkConsentAgain": { args: () => [], expected: CUSTOMERS },
  "app/onboard/actions.ts#forwardConsentRequest": { args: () => [], expected: CUSTOMERS },
  // The admin a request was forwarded to has no session: the request's token decides (an unknown one is a 404).
  "app/onboard/actions.ts#beginForwardedConsent": { args: () => ["x".repeat(43)], expected: EVERYONE },
  "app/onboard/actions.ts#submitKey": {
    args: () => [null, form({ keyUri: "https://example.com/not-a-key" })],
    expected: CUSTOMERS,
  },
  "app/onboard/actions.ts#verifyAgain": { args: () => [], expected: CUSTOMERS },
  "app/onboard/actions.ts#submitReplacement": {
    args: () => [null, form({ keyUri: "https://example.com/not-a-key" })],
    expected: CUSTOMERS,
  },
  "app/onboard/actions.ts#verifyReplacementAgain": { args: () => [], expected: CUSTOMERS },
  "app/onboard/actions.ts#renderScriptsAction": { args: () => [{}, {}], expected: CUSTOMERS },
  "app/onboard/evidence-actions.ts#generateMyEvidencePackAction": { args: () => [], expected: CUSTOMERS },
  // Last: it ends the customer's session.
  "app/onboard/actions.ts#signOutCustomer": { args: () => [], expected: CUSTOMERS },
};

/** Route handlers: `METHOD /path/[param]` → the request sent and the designed outcome per caller. */
const ROUTES: Record<
  string,
  { path: (f: Fixture) => string; headers?: Record<string, string>; expected: Expected }
> = {
  "GET /.well-known/jwks.json": { path: () => "/.well-known/jwks.json", expected: EVERYONE },
  "GET /api/health": { path: () => "/api/health", expected: EVERYONE },
  "GET /api/health/live": { path: () => "/api/health/live", expected: EVERYONE },
  "GET /api/health/details": { path: () => "/api/health/details", expected: OPERATORS },
  "GET /auth/signin": { path: () => "/auth/signin?returnTo=/console", expected: EVERYONE },
  "GET /auth/callback": { path: () => "/auth/callback", expected: EVERYONE },
  // Sent from another site: refused for everyone, so no page elsewhere can sign an operator out.
  "POST /auth/signout": {
    path: () => "/auth/signout",
    headers: { origin: "https://evil.example" },
    expected: NOBODY,
  },
  "GET /console/audit/export": { path: () => "/console/audit/export", expected: OPERATORS },
  "GET /console/evidence/[packId]/[file]": {
    path: (f) => `/console/evidence/${f.packA}/evidence.json`,
    expected: OPERATORS,
  },
  "GET /onboard/consent-callback": { path: () => "/onboard/consent-callback", expected: EVERYONE },
  "GET /onboard/evidence/[packId]/[file]": {
    path: (f) => `/onboard/evidence/${f.packA}/evidence.json`,
    expected: row(["denied", "allowed", "hidden", "denied", "denied", "denied", "denied"]),
  },
};

/** Every server action and route handler in the source tree, found the way Next.js finds them. */
function sourceTree(): { actions: string[]; routes: string[] } {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(entry.name)) files.push(path.relative(process.cwd(), full));
    }
  };
  walk("app");
  const actions: string[] = [];
  const routes: string[] = [];
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    if (/^\s*["']use server["']/.test(source)) {
      for (const m of source.matchAll(/^export (?:async function|const|function|let) (\w+)/gm))
        actions.push(`${file}#${m[1]}`);
    }
    if (path.basename(file) === "route.ts") {
      const route = "/" + path.dirname(path.relative("app", file)).split(path.sep).join("/");
      for (const m of source.matchAll(
        /^export (?:async )?function (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/gm,
      ))
        routes.push(`${m[1]} ${route}`);
    }
  }
  return { actions: actions.sort(), routes: routes.sort() };
}

interface ManifestEntry {
  filename?: string;
  exportedName?: string;
  workers: Record<string, unknown>;
}
const manifest = () =>
  (
    JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
      node: Record<string, ManifestEntry>;
    }
  ).node;

const APP_URL = process.env.E2E_APP_URL ?? "http://localhost:3100";
const browsers = {} as Record<Role, HttpBrowser>;
let fixture: Fixture;

async function operatorBrowser(upn: string) {
  const browser = new HttpBrowser(APP_URL);
  const signIn = await browser.get("/auth/signin?returnTo=/console");
  const back = await pickAccount(String(signIn.headers.location), upn);
  const callback = new URL(back.headers.get("location") ?? "");
  await browser.get(callback.pathname + callback.search);
  return browser;
}

function actionId(key: string): { id: string; page: string } {
  const [file, name] = key.split("#");
  const found = Object.entries(manifest()).find(([, e]) => e.filename === file && e.exportedName === name);
  if (!found) throw new Error(`${key} is not in the build's server-reference manifest`);
  // The page that uses the action, with its parameters filled in.
  const worker = Object.keys(found[1].workers)[0]!;
  const page = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .replace("[token]", fixture?.tokenA ?? "x")
    .replace("[id]", fixture?.onboardingA ?? randomId())
    .replace("[keyId]", randomId());
  return { id: found[0], page: page || "/" };
}

async function customerBrowser(token: string, upn: string) {
  const browser = new HttpBrowser(APP_URL);
  await browser.get(`/onboard/${token}`);
  const begin = actionId("app/onboard/actions.ts#beginCustomerSignIn");
  const started = (await browser.action(begin.page, begin.id, [token])).value as {
    ok: boolean;
    msal: { authority: string; clientId: string; redirectUri: string; nonce: string };
  };
  expect(started.ok).toBe(true);
  const idToken = await browserSignIn({ emulatorUrl: EMULATOR_URL, ...started.msal, upn });
  const finish = actionId("app/onboard/actions.ts#finishCustomerSignIn");
  const finished = (await browser.action("/onboard/signed-in", finish.id, [idToken])).value as {
    ok: boolean;
  };
  expect(finished.ok).toBe(true);
  return browser;
}

type Answer = { status: number; value?: unknown; redirect?: string };

/** What a caller got, in the matrix's words; "error" (a 500 or an unexpected failure) is never designed. */
function classifyAction(answer: Answer): Outcome | "error" {
  if (answer.redirect) return answer.redirect.includes("/onboard/session-ended") ? "denied" : "allowed";
  const value = answer.value as { ok?: boolean; code?: string } | undefined;
  if (answer.status >= 500 || value === undefined || value.code === "INTERNAL") return "error";
  if (value.code === "UNAUTHENTICATED" || value.code === "FORBIDDEN") return "denied";
  return "allowed";
}

function classifyRoute(answer: HttpAnswer): Outcome | "error" {
  if (answer.status === 401 || answer.status === 403) return "denied";
  if (answer.status === 404) return "hidden";
  if (answer.status >= 500 && answer.status !== 503) return "error";
  return "allowed";
}

async function createInviteAs(admin: HttpBrowser, name: string) {
  const create = actionId("app/console/actions.ts#createInvite");
  const created = (await admin.action(create.page, create.id, [null, form({ customerName: name })]))
    .value as {
    ok: boolean;
    inviteUrl: string;
    onboardingId: string;
  };
  expect(created.ok).toBe(true);
  return { token: new URL(created.inviteUrl).pathname.split("/").pop()!, onboardingId: created.onboardingId };
}

test.beforeAll(async () => {
  const admin = await operatorBrowser("ops-admin@fabrikamcloud.onmicrosoft.com");
  const invite = (name: string) => createInviteAs(admin, name);
  const a = await invite("Matrix customer A");
  const b = await invite("Matrix customer B");
  browsers.anonymous = new HttpBrowser(APP_URL);
  browsers["customer A"] = await customerBrowser(a.token, "admin@litware.onmicrosoft.com");
  // Tenants no earlier spec consented in: customer actions here must not move anyone's onboarding on.
  browsers["customer B"] = await customerBrowser(b.token, "admin@woodgrovebank.onmicrosoft.com");
  browsers["no role"] = await operatorBrowser("nobody@fabrikamcloud.onmicrosoft.com");
  browsers.Support = await operatorBrowser("support@fabrikamcloud.onmicrosoft.com");
  browsers.Operator = await operatorBrowser("operator@fabrikamcloud.onmicrosoft.com");
  browsers.Admin = admin;
  fixture = { tokenA: a.token, onboardingA: a.onboardingId, packA: "" };
  const pack = actionId("app/onboard/evidence-actions.ts#generateMyEvidencePackAction");
  const made = (await browsers["customer A"].action(pack.page, pack.id, [])).value as {
    ok: boolean;
    packId: string;
  };
  expect(made.ok).toBe(true);
  fixture.packA = made.packId;
});

test("[security] the matrix has a row for every server action and route handler in the code", () => {
  const tree = sourceTree();
  expect(tree.actions).toEqual(Object.keys(ACTIONS).sort());
  expect(tree.routes).toEqual(Object.keys(ROUTES).sort());
  // And every action is one the build registered (so the calls below reach the real thing).
  for (const key of tree.actions) expect(() => actionId(key), key).not.toThrow();
});

test("[security] every action and route answers each caller as designed", async () => {
  const lines: string[] = [];
  const wrong: string[] = [];
  const record = (key: string, got: (Outcome | "error")[], expected: Expected) => {
    lines.push(`${key.padEnd(72)} ${got.map((g) => g.padEnd(10)).join(" ")}`);
    ROLES.forEach((role, i) => {
      const want = expected[role] === "public" ? "allowed" : expected[role];
      // A public step may refuse what it is given (no pending sign-in, no consent state): never a 500.
      const ok = expected[role] === "public" ? got[i] !== "error" : got[i] === want;
      if (!ok) wrong.push(`${key} as ${role}: expected ${expected[role]}, got ${got[i]}`);
    });
  };

  // Routes first: the last action row signs the customer out.
  for (const [key, spec] of Object.entries(ROUTES)) {
    const [method] = key.split(" ");
    const got: (Outcome | "error")[] = [];
    for (const role of ROLES) {
      const answer = await browsers[role].send(method!, spec.path(fixture), spec.headers);
      got.push(classifyRoute(answer));
      if (key === "GET /api/health")
        expect(Object.keys(JSON.parse(answer.body) as object)).toEqual(["status"]);
    }
    record(key, got, spec.expected);
  }
  for (const [key, spec] of Object.entries(ACTIONS)) {
    const { id, page } = actionId(key);
    const got: (Outcome | "error")[] = [];
    for (const role of ROLES)
      got.push(classifyAction(await browsers[role].action(page, id, spec.args(fixture))));
    record(key, got, spec.expected);
  }
  console.log(
    [
      `[authorization matrix] ${Object.keys(ROUTES).length} routes + ${Object.keys(ACTIONS).length} server actions × ${ROLES.length} callers`,
      `${"".padEnd(72)} ${ROLES.map((r) => r.padEnd(10)).join(" ")}`,
      ...lines,
    ].join("\n"),
  );
  expect(wrong).toEqual([]);
});

test("[security] revoking an invite ends the customer session already open", async () => {
  const c = await createInviteAs(browsers.Admin, "Matrix customer C");
  const customer = await customerBrowser(c.token, "admin@contoso.onmicrosoft.com");
  const verify = actionId("app/onboard/actions.ts#verifyAgain");
  expect(classifyAction(await customer.action(verify.page, verify.id, []))).toBe("allowed");
  const { databaseUrl } = stackInfo();
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 1 }) });
  try {
    const { inviteId } = await db.tenantOnboarding.findUniqueOrThrow({ where: { id: c.onboardingId } });
    const revoke = actionId("app/console/actions.ts#revokeInviteAction");
    const revoked = (await browsers.Admin.action(revoke.page, revoke.id, [inviteId])).value as {
      ok: boolean;
    };
    expect(revoked.ok).toBe(true);
  } finally {
    await db.$disconnect();
  }
  const after = await customer.action(verify.page, verify.id, []);
  expect(after.redirect).toContain("/onboard/session-ended");
});

test("[security] forged consent callbacks from one address get 429 with Retry-After; other addresses do not", async () => {
  // No proxy stands in front of this stack (TRUSTED_PROXY_HOPS=0), so the address is what X-Forwarded-For says:
  // each request here plays a client of its own and spends no budget of the other specs.
  const from = (address: string) => ({ "x-forwarded-for": address });
  let answer: HttpAnswer | undefined;
  for (let i = 0; i < 40 && answer?.status !== 429; i++)
    answer = await browsers.anonymous.send(
      "GET",
      `/onboard/consent-callback?state=forged-${i}`,
      from("203.0.113.201"),
    );
  expect(answer?.status).toBe(429);
  expect(Number(answer?.headers["retry-after"])).toBeGreaterThan(0);
  expect(answer?.body).toMatch(/Try again in \d+ seconds/);
  const other = await browsers.anonymous.send(
    "GET",
    "/onboard/consent-callback?state=x",
    from("203.0.113.202"),
  );
  expect(other.status).toBe(303);
  // An invite link that matches nothing is a 404, not a page that looks like an invite.
  const unknown = await browsers.anonymous.send("GET", `/onboard/${"A".repeat(43)}`, from("203.0.113.203"));
  expect(unknown.status).toBe(404);
});
