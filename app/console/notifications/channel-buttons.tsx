"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { sendTestEventAction, setChannelEnabledAction, type ChannelActionResult } from "./actions";

/** Per-channel actions (Admin): send a test event through the real delivery path, pause or resume. */
export function ChannelButtons({
  channelId,
  enabled,
  name,
}: {
  channelId: string;
  enabled: boolean;
  name: string;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ChannelActionResult | null>(null);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={pending}
          aria-label={`Send test event to ${name}`}
          onClick={() => start(async () => setResult(await sendTestEventAction(channelId)))}
        >
          Send test event
        </Button>
        <Button
          variant="ghost"
          disabled={pending}
          aria-label={`${enabled ? "Pause" : "Resume"} ${name}`}
          onClick={() => start(async () => setResult(await setChannelEnabledAction(channelId, !enabled)))}
        >
          {enabled ? "Pause" : "Resume"}
        </Button>
      </div>
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
