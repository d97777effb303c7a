import type { HttpBrowser } from "./http-browser.ts";
import {
  browserSignIn,
  grantAdminConsent,
  installApp,
  runCustomerScript,
  type DemoTenant,
} from "./emulated-customer.ts";
import type { BenchTenant } from "./scale-stack.ts";

/**
 * One customer's onboarding over HTTP, as their browser and their admin's script would do it: open the invite,
 * sign in (server action → Entra's pages → server action), grant admin consent (server action → Entra →
 * the consent callback), run the generated script against their tenant, paste the key URI (server action).
 * Verification then finishes inline or on a worker. Each step's duration is recorded; a step that fails
 * throws a StepError naming it and what the app answered.
 */
export async function onboardOverHttp(input: {
  browser: HttpBrowser;
  token: string;
  tenant: BenchTenant;
  index: number;
  emulatorUrl: string;
  cmkAppClientId: string;
  actions: Record<string, string>;
  /** Called after each step: its name, how long it took, whether the app confirmed it. */
  stepDone: (step: string, seconds: number, ok: boolean) => void;
}): Promise<void> {
  const { browser, token, tenant } = input;
  const page = `/onboard/${token}`;
  const action = (name: string) => {
    const id = input.actions[name];
    if (!id) throw new Error(`no server action ${name} in the build`);
    return id;
  };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const value = await run();
      input.stepDone(name, seconds(), true);
      return value;
    } catch (error) {
      input.stepDone(name, seconds(), false);
      throw error;
    }
  };

  await step("open invite", async () => {
    const answer = await browser.get(page);
    if (answer.status !== 200) throw new StepError("open invite", `HTTP ${answer.status}`);
  });

  const msal = await step("begin sign-in", async () => {
    const { value } = await browser.action(page, action("beginCustomerSignIn"), [token]);
    const result = value as {
      ok: boolean;
      error?: string;
      msal?: { authority: string; clientId: string; redirectUri: string; nonce: string };
    };
    if (!result?.ok || !result.msal) throw new StepError("begin sign-in", result?.error ?? "no answer");
    return result.msal;
  });

  await step("finish sign-in", async () => {
    const idToken = await browserSignIn({ emulatorUrl: input.emulatorUrl, ...msal, upn: tenant.adminUpn });
    const { value } = await browser.action("/onboard/signed-in", action("finishCustomerSignIn"), [idToken]);
    const result = value as { ok: boolean; error?: string };
    if (!result?.ok) throw new StepError("finish sign-in", result?.error ?? "no answer");
  });

  await step("consent", async () => {
    const begun = await browser.action(page, action("beginAdminConsent"), []);
    if (!begun.redirect) throw new StepError("begin consent", JSON.stringify(begun.value ?? begun.status));
    const back = await grantAdminConsent(begun.redirect, tenant.adminUpn);
    if (typeof back === "string") throw new StepError("consent", `Entra showed: ${back.slice(0, 200)}`);
    const callback = await browser.get(back.pathname + back.search);
    const location = String(callback.headers.location ?? "");
    if (!location.endsWith("#key"))
      throw new StepError("consent callback", `sent to ${location || callback.status}`);
  });

  const keyId = await step("customer script", async () => {
    const spObjectId = await installApp(input.emulatorUrl, tenant.id, tenant.adminUpn, input.cmkAppClientId);
    const script = await runCustomerScript({
      emulatorUrl: input.emulatorUrl,
      tenant: tenant as unknown as DemoTenant,
      adminUpn: tenant.adminUpn,
      spObjectId,
      vaultName: `bench-kv-${input.index}`,
      keyName: "crosskey",
    });
    return script.keyId;
  });

  await step("submit key", async () => {
    const form = new FormData();
    form.set("keyUri", keyId);
    const { value } = await browser.action(page, action("submitKey"), [null, form]);
    const result = value as { ok: boolean; error?: string };
    if (!result?.ok) throw new StepError("submit key", result?.error ?? "no answer");
  });
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}
