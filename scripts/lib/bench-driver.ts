/**
 * The customers of `npm run bench:onboarding`, in their own process (started by scripts/bench-onboarding.ts
 * with the emulator's CA trusted). Creates the invites through the product's code, runs every onboarding at
 * once over HTTP, waits for verification, checks the database and prints the result line.
 */
import { createDb } from "../../lib/db/create-db.ts";
import { getEnv } from "../../lib/env.ts";
import { createCustomerInvite } from "../../lib/onboarding/create-customer-invite.ts";
import { HttpBrowser, readActionIds } from "./http-browser.ts";
import { onboardOverHttp } from "./http-onboarding.ts";
import { checkOnboardings, type CustomerView } from "./onboarding-check.ts";
import { PROJECT_ROOT } from "./database.ts";
import type { BenchTenant } from "./scale-stack.ts";

const bench = JSON.parse(process.env.BENCH ?? "{}") as {
  n: number;
  addresses: "one" | "many";
  proxyUrl: string;
  emulatorUrl: string;
  tenants: BenchTenant[];
};
const env = getEnv();
const db = createDb(env.DATABASE_URL, 4);
const actions = readActionIds(PROJECT_ROOT, "app/onboard/actions.ts");
const say = (line: string) => console.log(`[bench] ${line}`);

const invites = [];
for (let i = 0; i < bench.n; i++)
  invites.push(
    await createCustomerInvite(db, {
      customerName: `Bench customer ${i + 1}`,
      services: ["STORAGE_ACCOUNT"],
      actor: { type: "OPERATOR", id: "bench@fabrikamcloud.onmicrosoft.com", role: "Operator" },
      ttlDays: 1,
    }),
  );
say(
  `${bench.n} invites created; ${bench.n} customers start now, ${bench.addresses === "one" ? "all from one address" : "each from its own address"}`,
);

const stepTimes: number[] = [];
const totals: number[] = [];
const errors: string[] = [];
const views: CustomerView[] = [];
const STEP_STATE: Record<string, CustomerView["confirmed"]> = {
  "finish sign-in": "SIGNED_IN",
  consent: "CONSENTED",
  "submit key": "KEY_SUBMITTED",
};
const started = performance.now();
await Promise.all(
  invites.map(async (invite, i) => {
    const tenant = bench.tenants[i]!;
    const view: CustomerView = {
      onboardingId: invite.onboarding.id,
      tenantId: tenant.id,
      vaultName: `bench-kv-${i + 1}`,
      confirmed: "INVITED",
    };
    views.push(view);
    const browser = new HttpBrowser(
      bench.proxyUrl,
      bench.addresses === "one" ? "127.0.0.1" : `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    );
    try {
      await onboardOverHttp({
        browser,
        token: invite.token,
        tenant,
        index: i + 1,
        emulatorUrl: bench.emulatorUrl,
        cmkAppClientId: env.CMK_APP_CLIENT_ID,
        actions,
        stepDone: (step, seconds, ok) => {
          stepTimes.push(seconds);
          if (ok && STEP_STATE[step]) view.confirmed = STEP_STATE[step]!;
        },
      });
    } catch (error) {
      view.failedStep = error instanceof Error ? error.message : String(error);
      errors.push(`customer ${i + 1}: ${view.failedStep}`);
      return;
    }
    // Verified inline, or by a worker once the role assignment has propagated.
    const deadline = Date.now() + 15 * 60_000;
    while (Date.now() < deadline) {
      const { state } = await db.tenantOnboarding.findUniqueOrThrow({ where: { id: invite.onboarding.id } });
      if (state === "KEY_VERIFIED") {
        totals.push((performance.now() - started) / 1000);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }),
);

const report = await checkOnboardings(db, views);
for (const line of [
  ...errors.slice(0, 10),
  ...report.lost.slice(0, 10),
  ...report.brokenChains.slice(0, 10),
  ...report.crossTenant,
])
  say(line);
if (report.brokenChains.length || report.crossTenant.length)
  say(`audit chains broken: ${report.brokenChains.length}; cross-tenant rows: ${report.crossTenant.length}`);
await db.$disconnect();
console.log(
  `onboarding-bench n=${bench.n} verified=${report.verified} lost=${report.lost.length} errors=${errors.length} p95_step_s=${p95(stepTimes)} p95_total_s=${p95(totals)}`,
);

function p95(values: number[]): string {
  if (values.length === 0) return "n/a";
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!.toFixed(1);
}
