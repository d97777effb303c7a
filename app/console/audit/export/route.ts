import { ANY_ROLE, operatorActor, requireOperator } from "@/lib/auth/operator";
import { currentRequestId } from "@/lib/request-context";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { auditFilterSchema } from "@/lib/audit/find-audit-events";
import { exportAuditCsv } from "@/lib/audit/export-audit-csv";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";

/** GET /console/audit/export?<filters>: the filtered audit log as a CSV download, streamed batch by batch. */
export async function GET(request: Request) {
  let session;
  try {
    session = await requireOperator(ANY_ROLE);
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.status });
    throw error;
  }
  const filter = auditFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!filter.success) {
    return new Response(
      `These filters cannot be used: ${filter.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; ")}`,
      {
        status: 400,
      },
    );
  }
  const db = getDb();
  await recordAuditEvent(db, {
    actor: operatorActor(session),
    action: "audit.exported",
    targetType: "audit",
    details: { filter: filter.data },
    requestId: await currentRequestId(),
  });
  const chunks = exportAuditCsv(db, filter.data);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="crosskey-audit-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
