"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ActionStatus } from "./operation-parts";
import type { RunState } from "@/lib/generated/prisma/enums";
import { fleetRunControlAction, type OperationActionResult } from "./actions";

type Control = Parameters<typeof fleetRunControlAction>[1];

/** The buttons a run offers in its state, to the roles that may use them (the actions check again). */
export function RunControls({
  runId,
  state,
  canApprove,
  canRun,
}: {
  runId: string;
  state: RunState;
  canApprove: boolean;
  canRun: boolean;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<OperationActionResult | null>(null);
  const buttons: { control: Control; label: string; variant: "primary" | "secondary" | "danger" }[] = [
    ...(state === "AWAITING_APPROVAL" && canApprove
      ? [
          { control: "approve" as const, label: "Approve run", variant: "primary" as const },
          { control: "decline" as const, label: "Decline run", variant: "secondary" as const },
        ]
      : []),
    ...(state === "RUNNING" && canRun
      ? [{ control: "pause" as const, label: "Pause", variant: "secondary" as const }]
      : []),
    ...(state === "PAUSED" && canRun
      ? [{ control: "resume" as const, label: "Resume", variant: "primary" as const }]
      : []),
    ...((state === "RUNNING" || state === "PAUSED") && canRun
      ? [{ control: "cancel" as const, label: "Cancel run", variant: "danger" as const }]
      : []),
  ];
  if (buttons.length === 0 && !result) return null;
  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <div className="flex flex-wrap gap-2">
        {buttons.map((b) => (
          <Button
            key={b.control}
            variant={b.variant}
            disabled={pending}
            onClick={() => start(async () => setResult(await fleetRunControlAction(runId, b.control)))}
          >
            {b.label}
          </Button>
        ))}
      </div>
      <ActionStatus result={result} className="text-xs" />
    </div>
  );
}
