"use client";

import { useState, useTransition } from "react";
import { CUSTOMER_CLOUDS, type CloudName } from "@/lib/azure/clouds";
import type { RenderedScripts, ScriptDefaults, ScriptVariant } from "@/lib/keys/scripts/render-scripts";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Tabs } from "@/components/ui/tabs";
import { renderScriptsAction } from "../actions";

const TABS = ["Azure CLI", "PowerShell", "Portal"] as const;

/**
 * The customer's scripts, written on the server from their own values (the checks that keep a bad value out
 * of a shell stay there); another cloud, key store or scope asks the server for that variant.
 */
export function ScriptTabs({
  defaults,
  initial,
  initialVariant,
}: {
  defaults: ScriptDefaults;
  initial: RenderedScripts;
  initialVariant: ScriptVariant;
}) {
  const [tab, setTab] = useState<(typeof TABS)[number]>("Azure CLI");
  const [variant, setVariant] = useState<ScriptVariant>(initialVariant);
  const [scripts, setScripts] = useState<RenderedScripts>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const { kind, scope, cloud: cloudName } = variant;
  const choose = (change: Partial<ScriptVariant>) => {
    const next = { ...variant, ...change };
    setVariant(next);
    start(async () => {
      const result = await renderScriptsAction(defaults, next);
      if (result.ok) {
        setScripts(result.scripts);
        setError(null);
      } else setError(result.error);
    });
  };
  const script = tab === "Azure CLI" ? scripts.azureCli : tab === "PowerShell" ? scripts.powerShell : null;

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
            onChange={(v) => choose({ kind: v as typeof kind })}
            options={[
              ["VAULT", "Key Vault"],
              ["MANAGED_HSM", "Managed HSM"],
            ]}
          />
          <Select
            label="Grant access to"
            value={scope}
            onChange={(v) => choose({ scope: v as typeof scope })}
            options={[
              ["key", "this key only"],
              ["vault", "all keys in the vault"],
            ]}
          />
          <Select
            label="Your cloud"
            value={cloudName}
            onChange={(v) => choose({ cloud: v as CloudName })}
            options={CUSTOMER_CLOUDS.map((c) => [c.name, c.displayName])}
          />
        </>
      }
    >
      <p role="status" aria-live="polite" className="mb-1 text-sm text-slate-600">
        {pending ? "Writing the script for your choice…" : error}
      </p>
      {script ? (
        <div aria-busy={pending}>
          <div className="mb-2 flex justify-end">
            <CopyButton text={script} label="Copy script" />
          </div>
          <CodeBlock
            label={`${tab} script`}
            testId="customer-script"
            className="max-h-96 rounded-md p-4 leading-relaxed"
          >
            {script}
          </CodeBlock>
        </div>
      ) : (
        <ol aria-busy={pending} className="list-decimal space-y-3 pl-5 text-sm text-slate-700">
          {scripts.portal.map((step) => (
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
