import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { CmkStateBadge } from "@/components/cmk-state-badge";
import { KeyHealthBadge } from "@/components/key-health-badge";
import { KeyHealthTimeline } from "@/components/key-health-timeline";
import { Card } from "@/components/ui/card";
import { Table, Td } from "@/components/ui/table";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { findKeyCustomerName, getKeyHealth } from "@/lib/key-health/list-key-health";
import { findDeliveries } from "@/lib/notifications/manage-channels";
import { CheckNowButton } from "../check-now-button";

export async function generateMetadata(props: { params: Promise<{ keyId: string }> }): Promise<Metadata> {
  const { keyId } = await props.params;
  const id = z.uuid().safeParse(keyId);
  if (!id.success) return { title: "Key health" };
  const customerName = await findKeyCustomerName(getDb(), id.data);
  return { title: customerName ? `Key health · ${customerName}` : "Key health" };
}

export default async function KeyHealthDetailPage(props: { params: Promise<{ keyId: string }> }) {
  await requireOperatorPage();
  const id = z.uuid().safeParse((await props.params).keyId);
  if (!id.success) notFound();
  const db = getDb();
  const view = await getKeyHealth(db, id.data).catch((e: unknown) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { key, findings, timeline, resources, resourceCount } = view;
  const deliveries = await findDeliveries(db, { keyId: key.id });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm">
            <Link href="/console/health" className="text-brand-700 hover:underline">
              Key health
            </Link>
          </p>
          <h1 className="text-2xl font-bold text-slate-900">{key.customer.name}</h1>
          <p className="mt-1 font-mono text-xs break-all text-slate-600">{key.keyUri}</p>
          {key.status === "SUPERSEDED" && (
            <p className="mt-1 text-sm text-slate-700" data-testid="key-replaced">
              The customer replaced this key; {resourceCount} resource(s) still use it, so it is watched until
              the last one has moved to the new key.
            </p>
          )}
        </div>
        <CheckNowButton keyId={key.id} checkedAt={key.healthCheckedAt?.toISOString() ?? null} />
      </div>
      <Card
        title={
          <span className="flex items-center gap-2">
            Health now <KeyHealthBadge health={key.health} />
          </span>
        }
        description={
          key.healthCheckedAt
            ? `Last checked ${key.healthCheckedAt.toISOString().replace("T", " ").slice(0, 16)} UTC${key.latestVersion ? `; current version ${key.latestVersion}` : ""}.`
            : "Not checked yet."
        }
      >
        {findings.length === 0 ? (
          <p className="text-sm text-slate-700">
            Every check passed: the key is readable, enabled, within its dates, and wraps and unwraps.
          </p>
        ) : (
          <ul className="space-y-3">
            {findings.map((f) => (
              <li key={f.code} className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200">
                <p className="font-medium text-slate-900">
                  {f.severity === "critical"
                    ? "Outage: "
                    : f.severity === "warning"
                      ? "Act soon: "
                      : "Note: "}
                  {f.summary}
                </p>
                {f.fix && (
                  <p className="mt-1 text-slate-700">
                    Fix: <code className="break-all">{f.fix}</code>
                  </p>
                )}
                {f.azureCode && <p className="mt-1 text-xs text-slate-600">Azure code: {f.azureCode}</p>}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card
        title="Over time"
        description="One bar per check: green healthy, amber needs attention, red unreachable."
      >
        <KeyHealthTimeline points={timeline} />
      </Card>
      <Table
        caption={`Resources using this key (${resourceCount})`}
        head={["Resource", "Type", "State", "Key version in use"]}
      >
        {resources.map((r) => (
          <tr key={r.id}>
            <Td className="break-all">{r.name}</Td>
            <Td className="text-xs">{r.kind.toLowerCase().replaceAll("_", " ")}</Td>
            <Td>
              <CmkStateBadge state={r.cmkState} />
            </Td>
            <Td className="font-mono text-xs">{r.appliedKeyVersion ?? "follows the current version"}</Td>
          </tr>
        ))}
        {resources.length === 0 && (
          <tr>
            <Td className="text-slate-600">No resource uses this key yet.</Td>
          </tr>
        )}
      </Table>
      {resourceCount > resources.length && (
        <p className="text-xs text-slate-600">
          Showing {resources.length} of {resourceCount}; the Resources page lists them all.
        </p>
      )}
      <Table caption="Notifications about this key" head={["Sent", "Message", "Channel", "Delivery"]}>
        {deliveries.rows.map((d) => (
          <tr key={d.id}>
            <Td className="text-xs whitespace-nowrap">
              {d.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
            </Td>
            <Td className="text-xs">{d.notification.subject}</Td>
            <Td className="text-xs">{d.channel.name}</Td>
            <Td className="text-xs">
              {d.state.toLowerCase()} after {d.attempts} attempt(s){d.lastError ? ` — ${d.lastError}` : ""}
            </Td>
          </tr>
        ))}
        {deliveries.rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">Nothing sent about this key.</Td>
          </tr>
        )}
      </Table>
    </div>
  );
}
