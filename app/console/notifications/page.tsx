import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card } from "@/components/ui/card";
import { Table, Td } from "@/components/ui/table";
import { hasRole, requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { findChannels, findDeliveries } from "@/lib/notifications/manage-channels";
import { ChannelButtons } from "./channel-buttons";
import { ChannelForm } from "./channel-form";

export const metadata: Metadata = { title: "Notifications" };

const query = z.object({ log: z.uuid().optional().catch(undefined) });

export default async function NotificationsPage(props: { searchParams: Promise<Record<string, string>> }) {
  const session = await requireOperatorPage();
  const admin = hasRole(session, ["Admin"]);
  const { log } = query.parse(await props.searchParams);
  const db = getDb();
  const [channels, deliveries] = await Promise.all([findChannels(db), findDeliveries(db, { cursor: log })]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold text-slate-900">Notifications</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who hears about key health: one message when a key&apos;s state changes, reminders while a problem
          lasts, and one when it is resolved.
        </p>
      </div>
      <Table
        caption="Notification channels"
        head={["Channel", "Sends to", "Scope", "State", ...(admin ? ["Actions"] : [])]}
      >
        {channels.rows.map((c) => (
          <tr key={c.id}>
            <Td>
              <span className="font-medium">{c.name}</span>
              <span className="block text-xs text-slate-600">
                {c.kind === "EMAIL" ? "email" : "signed webhook"}
              </span>
            </Td>
            <Td className="font-mono text-xs break-all">{c.target}</Td>
            <Td className="text-xs">
              {c.customer ? `${c.customer.name}'s contacts` : "operations (all customers)"}
            </Td>
            <Td>
              <StatusBadge tone={c.enabled ? "success" : "neutral"}>
                {c.enabled ? "active" : "paused"}
              </StatusBadge>
            </Td>
            {admin && (
              <Td>
                <ChannelButtons channelId={c.id} enabled={c.enabled} name={c.name} />
              </Td>
            )}
          </tr>
        ))}
        {channels.rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">
              No channels yet{admin ? ": add one below." : "; an Admin adds them."}
            </Td>
          </tr>
        )}
      </Table>
      {admin && (
        <Card title="Add a channel">
          <ChannelForm />
        </Card>
      )}
      <Table caption="Delivery log" head={["Sent", "Message", "Channel", "Delivery", "Endpoint answer"]}>
        {deliveries.rows.map((d) => (
          <tr key={d.id}>
            <Td className="text-xs whitespace-nowrap">
              {d.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
            </Td>
            <Td className="text-xs">{d.notification.subject}</Td>
            <Td className="text-xs">{d.channel.name}</Td>
            <Td>
              <StatusBadge
                tone={d.state === "DELIVERED" ? "success" : d.state === "FAILED" ? "danger" : "warning"}
              >
                {d.state === "PENDING" && d.attempts > 0 ? `retrying (${d.attempts})` : d.state.toLowerCase()}
              </StatusBadge>
            </Td>
            <Td className="text-xs">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : "—")}</Td>
          </tr>
        ))}
        {deliveries.rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">Nothing sent yet.</Td>
          </tr>
        )}
      </Table>
      <nav aria-label="Delivery log pages" className="flex justify-end gap-3 text-sm">
        {log && (
          <Link href="/console/notifications" className="text-brand-700 hover:underline">
            Newest
          </Link>
        )}
        {deliveries.next && (
          <Link
            href={`/console/notifications?log=${deliveries.next}`}
            className="text-brand-700 hover:underline"
          >
            Older
          </Link>
        )}
      </nav>
    </div>
  );
}
