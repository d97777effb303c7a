import { Card } from "@/components/ui/card";
import type { SignedInView } from "@/lib/onboarding/get-customer-view";
import { KEY_SUBMITTED_FLAG } from "./steps";
import { KeyStatus } from "./key-status";

/** The page the customer can come back to: what is verified and what happens next. */
export function DonePanel({ view, isvName }: { view: SignedInView; isvName: string }) {
  return (
    <>
      <Card
        title={view.state === "KEY_UNREACHABLE" ? "We cannot reach your key" : "Your key is verified"}
        focusTitle={{ flag: KEY_SUBMITTED_FLAG }}
      >
        {view.state === "KEY_UNREACHABLE" ? (
          <p className="text-sm text-red-800">
            Our last check could not use your key. Until it is reachable again, services encrypted with it may
            stop working. See the verification below for the exact reason and fix.
          </p>
        ) : (
          <div className="space-y-2 text-sm text-slate-700">
            <p>
              {isvName} can wrap and unwrap data keys with your key. Next, {isvName} switches the Azure
              resources that hold your data to this key; you do not need to do anything.
            </p>
            <p>
              You stay in control: disabling the key or removing the role makes your data unreadable to{" "}
              {isvName}. Keep this link: it shows your key&apos;s status whenever you come back.
            </p>
          </div>
        )}
      </Card>
      <KeyStatus view={view} />
    </>
  );
}
