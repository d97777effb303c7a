"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { reissueInviteAction, revokeInviteAction, type ConsoleResult } from "../../actions";

/**
 * Revoke only an invite whose link still works (an expired or revoked one already does not); a new link works for
 * any of them.
 */
export function InviteActions({
  inviteId,
  state,
}: {
  inviteId: string;
  state: "Active" | "Expired" | "Revoked";
}) {
  const [result, setResult] = useState<ConsoleResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  return (
    <div className="flex max-w-sm flex-col items-end gap-2">
      <div className="flex gap-2">
        {state === "Active" &&
          (confirming ? (
            <>
              <Button
                variant="danger"
                disabled={pending}
                onClick={() =>
                  start(async () => {
                    setConfirming(false);
                    setResult(await revokeInviteAction(inviteId));
                  })
                }
              >
                Yes, revoke
              </Button>
              <Button variant="ghost" onClick={() => setConfirming(false)}>
                Keep it
              </Button>
            </>
          ) : (
            <Button variant="danger" disabled={pending} onClick={() => setConfirming(true)}>
              Revoke link
            </Button>
          ))}
        <Button
          variant="secondary"
          disabled={pending}
          onClick={() => start(async () => setResult(await reissueInviteAction(inviteId)))}
        >
          Issue new link
        </Button>
      </div>
      {confirming && (
        <p className="text-right text-sm text-slate-800">
          The customer can no longer use this link, and a replacement key they handed over that waits for
          approval is declined. This cannot be undone; you can issue a new link later.
        </p>
      )}
      {state === "Expired" && !result && (
        <p className="text-right text-sm text-slate-700" data-testid="invite-expired-note">
          This link has expired and no longer works. A new link lets the customer continue where they left
          off.
        </p>
      )}
      <div role="status" aria-live="polite" className="text-right text-xs">
        {result &&
          (result.ok ? (
            <span className="text-emerald-700">{result.message}</span>
          ) : (
            <span className="text-red-700">{result.error}</span>
          ))}
        {result?.ok && result.inviteUrl && (
          <div className="mt-1 flex items-start gap-2">
            <code data-testid="reissued-url" className="rounded bg-slate-100 p-1 font-mono break-all">
              {result.inviteUrl}
            </code>
            <CopyButton text={result.inviteUrl} label="Copy" />
          </div>
        )}
      </div>
    </div>
  );
}
