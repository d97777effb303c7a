"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ActionStatus } from "../operations/operation-parts";
import {
  approveOperationAction,
  rejectOperationAction,
  type OperationActionResult,
} from "../operations/actions";

/** Approve or decline one request; shown only to an Admin who did not ask for it (the action checks again). */
export function ApprovalButtons({ jobId, what }: { jobId: string; what: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<OperationActionResult | null>(null);
  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <div className="flex gap-2">
        <Button
          disabled={pending || result?.ok}
          aria-label={`Approve ${what}`}
          onClick={() => start(async () => setResult(await approveOperationAction(jobId)))}
        >
          Approve
        </Button>
        <Button
          variant="secondary"
          disabled={pending || result?.ok}
          aria-label={`Decline ${what}`}
          onClick={() => start(async () => setResult(await rejectOperationAction(jobId)))}
        >
          Decline
        </Button>
      </div>
      <ActionStatus result={result} className="text-xs" />
    </div>
  );
}
