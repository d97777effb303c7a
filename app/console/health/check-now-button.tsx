"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { checkKeyNowAction, type HealthActionResult } from "./actions";

/** How long the page keeps refreshing for a queued check's result before it says to come back later. */
const WAIT_MS = 3 * 60_000;
const REFRESH_MS = 3000;

/**
 * "Check now": queues the same check the monitor runs, then refreshes the page until the check's result is
 * recorded (`checkedAt` moves on) — a check waiting behind another of the same tenant can take a while.
 */
export function CheckNowButton({ keyId, checkedAt }: { keyId: string; checkedAt: string | null }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<HealthActionResult | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  const router = useRouter();
  const [checkedAtWhenQueued, setCheckedAtWhenQueued] = useState<string | null>(null);
  const waiting = result?.ok === true && checkedAt === checkedAtWhenQueued && !gaveUp;
  useEffect(() => {
    if (!waiting) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > WAIT_MS) {
        setGaveUp(true);
        return;
      }
      router.refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, router]);
  const status = !result
    ? ""
    : !result.ok
      ? result.error
      : checkedAt !== checkedAtWhenQueued
        ? "Checked: the result is shown above."
        : gaveUp
          ? "The check has not finished yet; it is still queued. Reload the page later for its result."
          : result.message;
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        disabled={pending || waiting}
        onClick={() =>
          start(async () => {
            setCheckedAtWhenQueued(checkedAt);
            setGaveUp(false);
            setResult(await checkKeyNowAction(keyId));
          })
        }
      >
        {pending ? "Queuing…" : waiting ? "Checking…" : "Check now"}
      </Button>
      <p
        role="status"
        aria-live="polite"
        className={`text-xs ${result?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {status}
      </p>
    </div>
  );
}
