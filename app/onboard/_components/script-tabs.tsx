"use client";

import { useMemo, useState } from "react";
import { CUSTOMER_CLOUDS, type CloudName } from "@/lib/azure/clouds";
import { azureCliScript } from "@/lib/keys/scripts/azure-cli";
import { powerShellScript } from "@/lib/keys/scripts/powershell";
import { portalSteps } from "@/lib/keys/scripts/portal";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Tabs } from "@/components/ui/tabs";

export interface ScriptDefaults {
  tenantId: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalObjectId: string;
  vaultName: string;
  keyName: string;
  resourceGroup: string;
  location: string;
  cloud: CloudName;
}

const TABS = ["Azure CLI", "PowerShell", "Portal"] as const;

/** The customer's scripts, generated in the page from their own values; variants switch without a round trip. */
export function ScriptTabs({ defaults }: { defaults: ScriptDefaults }) {
  const [tab, setTab] = useState<(typeof TABS)[number]>("Azure CLI");
  const [kind, setKind] = useState<"VAULT" | "MANAGED_HSM">("VAULT");
  const [scope, setScope] = useState<"vault" | "key">("key");
  const [cloudName, setCloudName] = useState<CloudName>(defaults.cloud);
  const cloud = CUSTOMER_CLOUDS.find((c) => c.name === cloudName) ?? CUSTOMER_CLOUDS[0]!;
  const values = useMemo(() => ({ ...defaults, cloud, kind, scope }), [defaults, cloud, kind, scope]);
  const script =
    tab === "Azure CLI" ? azureCliScript(values) : tab === "PowerShell" ? powerShellScript(values) : null;

  return (
    <Tabs
      id="script"
      label="Script format"
      tabs={TABS}
      selected={tab}
      onSelect={setTab}
      beside={
        <>
          <Select
            label="Key store"
            value={kind}
            onChange={(v) => setKind(v as typeof kind)}
            options={[
              ["VAULT", "Key Vault"],
              ["MANAGED_HSM", "Managed HSM"],
            ]}
          />
          <Select
            label="Grant access to"
            value={scope}
            onChange={(v) => setScope(v as typeof scope)}
            options={[
              ["key", "this key only"],
              ["vault", "all keys in the vault"],
            ]}
          />
          <Select
            label="Your cloud"
            value={cloudName}
            onChange={(v) => setCloudName(v as CloudName)}
            options={CUSTOMER_CLOUDS.map((c) => [c.name, c.displayName])}
          />
        </>
      }
    >
      {script ? (
        <div className="relative">
          <div className="absolute top-2 right-2">
            <CopyButton text={script} label="Copy script" />
          </div>
          <CodeBlock
            label={`${tab} script`}
            testId="customer-script"
            className="max-h-96 rounded-md p-4 pt-12 leading-relaxed sm:pt-4 sm:pr-28"
          >
            {script}
          </CodeBlock>
        </div>
      ) : (
        <ol className="list-decimal space-y-3 pl-5 text-sm text-slate-700">
          {portalSteps(values).map((step) => (
            <li key={step.title}>
              <p className="font-medium text-slate-900">{step.title}</p>
              <p>{step.detail}</p>
              {step.values?.map((v) => (
                <p key={v.label} className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1">
                  <span className="text-slate-600">{v.label}:</span>{" "}
                  <code className="min-w-0 font-mono text-xs break-all">{v.value}</code>
                  <CopyButton text={v.value} />
                </p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </Tabs>
  );
}

function Select({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: string[][];
}) {
  return (
    <label className="flex flex-col text-xs text-slate-600">
      {label}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="mt-0.5 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
