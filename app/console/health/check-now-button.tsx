"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { checkKeyNowAction, type HealthActionResult } from "./actions";

/** "Check now": queues the same check the monitor runs and announces what happened. */
export function CheckNowButton({ keyId }: { keyId: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<HealthActionResult | null>(null);
  const router = useRouter();
  // The check runs on a worker: refresh the page a few times so its result shows without a reload.
  useEffect(() => {
    if (!result?.ok) return;
    let ticks = 0;
    const timer = setInterval(() => {
      router.refresh();
      if (++ticks >= 10) clearInterval(timer);
    }, 3000);
    return () => clearInterval(timer);
  }, [result, router]);
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => start(async () => setResult(await checkKeyNowAction(keyId)))}
      >
        {pending ? "Queuing…" : "Check now"}
      </Button>
      <p
        role="status"
        aria-live="polite"
        className={`text-xs ${result?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {result ? (result.ok ? result.message : result.error) : ""}
      </p>
    </div>
  );
}
