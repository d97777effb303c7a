import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * A resource uses a key from its first apply until it reads another key, or Microsoft-managed keys, back from ARM
 * (a change or revert job sets `appliedKeyId` then); a job in flight, a drift or a failure leaves it on the key.
 */
export const USES_KEY: Prisma.IsvResourceWhereInput = { cmkState: { not: "MICROSOFT_MANAGED" } };

/**
 * The keys the health monitor watches, once verified: each customer's active key, and a key it replaced for as
 * long as any resource still uses it. While a customer's hand-over is applied, the replacement is active and
 * the resources not moved yet still depend on the old key: both are watched, the old one until its last
 * resource moves (docs/key-health.md). Served by the indexes on `CustomerKey(status, …)` and
 * `IsvResource(appliedKeyId, cmkState)`.
 */
export const WATCHED_KEY: Prisma.CustomerKeyWhereInput = {
  lastVerifiedAt: { not: null },
  OR: [{ status: "ACTIVE" }, { status: "SUPERSEDED", appliedTo: { some: USES_KEY } }],
};
