"use client";

import { useMemo, useState } from "react";
import { CUSTOMER_CLOUDS, type CloudName } from "@/lib/azure/clouds";
import { azureCliScript } from "@/lib/keys/scripts/azure-cli";
import { powerShellScript } from "@/lib/keys/scripts/powershell";
import { portalSteps } from "@/lib/keys/scripts/portal";
import { CopyButton } from "@/components/ui/copy-button";

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
    <div>
      <div className="flex flex-wrap items-end gap-4 text-sm">
        <div role="tablist" aria-label="Script format" className="flex gap-1 rounded-md bg-slate-100 p-1">
          {TABS.map((t) => (
            <button
              key={t}
              role="tab"
              type="button"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              className={`rounded px-3 py-1.5 ${tab === t ? "bg-white font-medium shadow-sm" : "text-slate-600"}`}
            >
              {t}
            </button>
          ))}
        </div>
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
      </div>
      <div role="tabpanel" aria-label={tab} className="mt-3">
        {script ? (
          <div className="relative">
            <div className="absolute top-2 right-2">
              <CopyButton text={script} label="Copy script" />
            </div>
            <pre
              data-testid="customer-script"
              className="max-h-96 overflow-auto rounded-md bg-slate-900 p-4 pr-28 font-mono text-xs leading-relaxed text-slate-100"
            >
              {script}
            </pre>
          </div>
        ) : (
          <ol className="list-decimal space-y-3 pl-5 text-sm text-slate-700">
            {portalSteps(values).map((step) => (
              <li key={step.title}>
                <p className="font-medium text-slate-900">{step.title}</p>
                <p>{step.detail}</p>
                {step.values?.map((v) => (
                  <p key={v.label} className="mt-1 flex items-center gap-2">
                    <span className="text-slate-500">{v.label}:</span>{" "}
                    <code className="font-mono text-xs">{v.value}</code>
                    <CopyButton text={v.value} />
                  </p>
                ))}
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
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
