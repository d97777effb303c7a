import { Card } from "@/components/ui/card";
import { getCloud, getEnv } from "@/lib/env";
import { suggestNames } from "@/lib/keys/scripts/input";
import { KEY_URI_FORMS } from "@/lib/keys/scripts/portal";
import { renderScripts, type ScriptDefaults, type ScriptVariant } from "@/lib/keys/scripts/render-scripts";
import type { SignedInView } from "@/lib/onboarding/get-customer-view";
import { KeyForm } from "./key-form";
import { KeyStatus } from "./key-status";
import { ScriptTabs } from "./script-tabs";
import { CONSENT_CHECKED_FLAG } from "./steps";

/** Steps 3 and 4: the customer's scripts, the key URI, and the live verification. */
export function KeyStep({ view }: { view: SignedInView }) {
  const env = getEnv();
  const cloud = getCloud();
  const names = suggestNames(view.customerName, env.ISV_NAME, view.session.tenantId);
  const defaults: ScriptDefaults = {
    tenantId: view.session.tenantId,
    appId: env.CMK_APP_CLIENT_ID,
    appDisplayName: `${env.ISV_NAME} Encryption`,
    servicePrincipalObjectId: view.servicePrincipalObjectId ?? "",
    ...names,
    location: env.ISV_PRIMARY_REGION,
    cloud: cloud.name === "emulator" ? "public" : cloud.name,
  };
  const variant: ScriptVariant = { cloud: defaults.cloud, kind: "VAULT", scope: "key" };
  return (
    <>
      <Card
        title="Create your key and allow us to use it"
        focusTitle={{ flag: CONSENT_CHECKED_FLAG }}
        description="Run one of these in your tenant. They are filled with your values and grant the least access that works: read, wrap and unwrap on one key."
      >
        {cloud.name === "emulator" && (
          <p className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            Demo: this installation runs against the local Azure emulator. Do the same steps on its page,{" "}
            <a className="underline" href={cloud.portalUrl} target="_blank" rel="noreferrer">
              {cloud.portalUrl}
            </a>
            .
          </p>
        )}
        <ScriptTabs defaults={defaults} initial={renderScripts(defaults, variant)} initialVariant={variant} />
        <details className="mt-4 text-sm text-slate-700">
          <summary className="cursor-pointer font-medium text-slate-900">
            Versioned or versionless URI?
          </summary>
          <ul className="mt-2 list-disc space-y-1 pl-5">
            {KEY_URI_FORMS.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      </Card>
      <Card
        title="Paste your key's URI"
        description="We check it at once, step by step, as the Azure services will use it."
      >
        <span id="key" />
        <KeyForm current={view.key?.uri} />
      </Card>
      <KeyStatus view={view} />
    </>
  );
}
