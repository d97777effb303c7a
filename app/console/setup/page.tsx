import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { getEncryptionIdentities } from "@/lib/identity/encryption-identities";
import { getIdentityPoolUsage } from "@/lib/identity/get-identity-pool-usage";
import type { FindingStatus, Phase1Finding } from "@/lib/identity/phase1-types";
import { repairFingerprint } from "@/lib/identity/repair-federated-credential";
import { getLastPhase1Report } from "@/lib/identity/run-phase1-check";
import { CheckNowButton, RepairForm } from "./setup-controls";

export const metadata: Metadata = { title: "Identity set-up" };

const TONE: Record<FindingStatus, Tone> = { ok: "success", warning: "warning", error: "danger" };
const WORD: Record<FindingStatus, string> = { ok: "OK", warning: "Warning", error: "Broken" };
const AREAS: { area: Phase1Finding["area"]; title: string }[] = [
  { area: "cmk-app", title: "The CMK app (customers consent to it)" },
  { area: "credentials", title: "Federated credentials" },
  { area: "identities", title: "Encryption identities" },
  { area: "roles", title: "The app identity's roles" },
  { area: "signin-app", title: "The sign-in app" },
];

export default async function SetupPage(props: { searchParams: Promise<{ repaired?: string | string[] }> }) {
  const session = await requireOperatorPage();
  const { repaired } = await props.searchParams;
  const isAdmin = hasRole(session, ["Admin"]);
  const db = getDb();
  const report = await getLastPhase1Report(db);
  const pool = getEncryptionIdentities(getEnv());
  const usage = await getIdentityPoolUsage(db, pool);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold text-slate-900">Identity set-up</h1>
          <p className="text-sm text-slate-600">
            Phase 1: your multi-tenant app, its federated credentials, the encryption identities and their
            roles, read through Microsoft Graph and Azure Resource Manager with Crosskey&apos;s own identity.
            Checked every 15 minutes.
          </p>
        </div>
        {hasRole(session, WRITE_ROLES) && <CheckNowButton />}
      </div>

      {typeof repaired === "string" && pool.some((i) => i.name === repaired) && (
        <p
          role="status"
          className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          Repaired the federated credential of {repaired} through Microsoft Graph and checked again; the
          result is below. The change is in the audit log.
        </p>
      )}

      {!report ? (
        <Card>
          <p className="text-sm text-slate-600">
            Not checked yet. The worker checks within 15 minutes, or check now.
          </p>
        </Card>
      ) : (
        <>
          <section aria-label="Summary" className="grid gap-4 sm:grid-cols-2">
            <Card title="Status">
              <p className="flex items-center gap-3">
                <StatusBadge tone={TONE[report.status]}>{WORD[report.status]}</StatusBadge>
                <span className="text-sm text-slate-600">
                  last checked {report.checkedAt.replace("T", " ").slice(0, 19)} UTC ·{" "}
                  {report.findings.filter((f) => f.status !== "ok").length} to fix
                </span>
              </p>
            </Card>
            <Card title="Federated credentials on the CMK app">
              <CapacityBar used={report.capacity.used} limit={report.capacity.limit} />
            </Card>
          </section>

          {AREAS.map(({ area, title }) => {
            const findings = report.findings.filter((f) => f.area === area);
            if (findings.length === 0) return null;
            return (
              <Card key={area} title={title}>
                <ul className="divide-y divide-slate-100">
                  {findings.map((f) => (
                    <FindingRow key={f.id} finding={f} isAdmin={isAdmin} />
                  ))}
                </ul>
              </Card>
            );
          })}

          {report.credentials.length > 0 && (
            <Table
              caption="Federated credentials on the CMK app"
              head={["Credential", "Issuer", "Subject", "Audience", "Trusts"]}
            >
              {report.credentials.map((c) => (
                <tr key={c.id}>
                  <Td className="font-medium">{c.name}</Td>
                  <Td className="font-mono text-xs break-all">{c.issuer}</Td>
                  <Td className="font-mono text-xs">{c.subject}</Td>
                  <Td className="font-mono text-xs">{c.audiences.join(", ")}</Td>
                  <Td className="text-xs">
                    {c.trusts ?? <span className="text-slate-500">no configured identity</span>}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}

      <Card
        title="Identity pool"
        description="Each encryption identity serves the resources in its regions (the first serves every other region). Several identities limit what one identity's failure can reach; each uses one of the app's 20 credentials."
      >
        <Table
          caption="Encryption identities"
          head={["Identity", "Regions", "Client / principal ID", "Serves"]}
        >
          {pool.map((i, n) => {
            const u = usage.get(i.name);
            return (
              <tr key={i.name}>
                <Td>
                  <p className="font-medium">{i.name}</p>
                  <p className="text-xs text-slate-500">
                    {n === 0 ? "primary (CMK_UAMI_*)" : "CMK_UAMI_POOL"}
                  </p>
                </Td>
                <Td className="text-xs">{i.regions.length ? i.regions.join(", ") : "every other region"}</Td>
                <Td className="font-mono text-[11px]">
                  {i.clientId}
                  <br />
                  {i.principalId}
                </Td>
                <Td className="text-xs">
                  {u?.resources ?? 0} resource(s) of {u?.customers ?? 0} customer(s)
                  {u?.regions.length ? (
                    <span className="text-slate-500"> in {u.regions.join(", ")}</span>
                  ) : null}
                </Td>
              </tr>
            );
          })}
        </Table>
      </Card>
    </div>
  );
}

/** One cell per credential slot: used slots filled (no inline styles: the CSP forbids them). */
function CapacityBar({ used, limit }: { used: number; limit: number }) {
  const color = used >= limit ? "bg-red-600" : used >= limit - 4 ? "bg-amber-500" : "bg-brand-600";
  return (
    <div>
      <p className="text-2xl font-semibold text-slate-900">
        {used} <span className="text-base font-normal text-slate-500">/ {limit} used</span>
      </p>
      <div
        role="meter"
        aria-label="Federated credentials used"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        className="mt-2 flex gap-0.5"
      >
        {Array.from({ length: limit }, (_, i) => (
          <span
            key={i}
            className={`h-2.5 flex-1 first:rounded-l-full last:rounded-r-full ${i < used ? color : "bg-slate-200"}`}
          />
        ))}
      </div>
      <p className="mt-1 text-xs text-slate-500">
        Entra ID allows 20 per app; each encryption identity needs one.
      </p>
    </div>
  );
}

function FindingRow({ finding: f, isAdmin }: { finding: Phase1Finding; isAdmin: boolean }) {
  return (
    <li className="py-3" data-finding={f.id} data-status={f.status}>
      <div className="flex items-start gap-3">
        <StatusBadge tone={TONE[f.status]}>{WORD[f.status]}</StatusBadge>
        <div className="min-w-0 flex-1">
          <p className="text-sm font-medium text-slate-900">{f.title}</p>
          <p className="text-sm text-slate-600">{f.detail}</p>
          {f.fix && (
            <p className="mt-1 text-sm text-slate-800">
              <span className="font-medium">Fix: </span>
              {f.fix}
            </p>
          )}
          {f.command && (
            <div className="mt-2 flex items-start gap-2">
              <CodeBlock label={`Command: ${f.title}`} className="min-w-0 flex-1 p-2">
                {f.command}
              </CodeBlock>
              <CopyButton text={f.command} label="Copy" />
            </div>
          )}
          {f.repair && isAdmin && (
            <details className="mt-2 rounded-md ring-1 ring-slate-200">
              <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-brand-700">
                Preview the repair Crosskey would make
              </summary>
              <div className="border-t border-slate-200 p-3">
                <p className="text-sm text-slate-700">
                  Crosskey will send this request to Microsoft Graph as its own identity, and record it in the
                  audit log:
                </p>
                <CodeBlock label={`Graph request for ${f.repair.identity}`} className="mt-2 p-2">
                  {`${f.repair.method} ${f.repair.url}\n\n${JSON.stringify(f.repair.body, null, 2)}`}
                </CodeBlock>
                <RepairForm
                  identity={f.repair.identity}
                  fingerprint={repairFingerprint(f.repair)}
                  label={f.repair.method === "POST" ? "Create this credential" : "Correct this credential"}
                />
              </div>
            </details>
          )}
        </div>
      </div>
    </li>
  );
}
