import { ArmError } from "./errors.js";

/** ARM's 2024+ token-bucket limiter (§3.4): a bucket per subscription and operation kind, refilled per second. */
interface Bucket {
  tokens: number;
  atMs: number;
}

export type RequestKind = "reads" | "writes" | "deletes";

export interface ThrottleLimits {
  rate: number;
  burst: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  /** Requests let through and refused per kind since the last reset: what a benchmark reports. */
  readonly counts = {
    accepted: { reads: 0, writes: 0, deletes: 0 },
    throttled: { reads: 0, writes: 0, deletes: 0 },
  };

  constructor(
    private readonly limits: (kind: RequestKind) => ThrottleLimits,
    private readonly nowMs: () => number,
  ) {}

  reset(): void {
    this.buckets.clear();
    for (const kind of ["reads", "writes", "deletes"] as const) {
      this.counts.accepted[kind] = 0;
      this.counts.throttled[kind] = 0;
    }
  }

  /** Takes one token or throws 429 SubscriptionRequestsThrottled; returns the remaining count for the header. */
  take(subscriptionId: string, kind: RequestKind): number {
    const { rate, burst } = this.limits(kind);
    const key = `${subscriptionId.toLowerCase()}|${kind}`;
    const now = this.nowMs();
    const b = this.buckets.get(key) ?? { tokens: burst, atMs: now };
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.atMs) / 1000) * rate);
    b.atMs = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      this.counts.throttled[kind] += 1;
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
      throw new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${kind === "reads" ? "read" : kind === "writes" ? "write" : "delete"}' requests for subscription '${subscriptionId}' actor '…' exceeded. Please try again after '${retryAfter}' seconds after the current time.`,
        {
          headers: {
            "retry-after": String(retryAfter),
            [`x-ms-ratelimit-remaining-subscription-${kind}`]: "0",
          },
        },
      );
    }
    b.tokens -= 1;
    this.counts.accepted[kind] += 1;
    return Math.floor(b.tokens);
  }
}
