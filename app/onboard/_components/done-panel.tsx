import { EvidencePackButton } from "@/components/evidence-pack-button";
import { KeyHealthBadge } from "@/components/key-health-badge";
import { KeyHealthTimeline } from "@/components/key-health-timeline";
import { Card } from "@/components/ui/card";
import type { SignedInView } from "@/lib/onboarding/get-customer-view";
import { generateMyEvidencePackAction } from "../evidence-actions";
import { KEY_SUBMITTED_FLAG } from "./steps";
import { KeyStatus } from "./key-status";
import { ReplacementKey } from "./replacement-key";
import { getCmkModule } from "@/lib/cmk";
import { formatDay } from "@/lib/format-date";

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
            stop working. See your key&apos;s health below for the exact reason and fix.
          </p>
        ) : (
          <div className="space-y-2 text-sm text-slate-700">
            <p>
              {isvName} can wrap and unwrap data keys with your key.{" "}
              {view.state === "KEY_VERIFIED"
                ? `Next, ${isvName} switches the Azure resources that hold your data to this key; you do not need to do anything.`
                : `${isvName} encrypts your data with it: see below which resources, and since when.`}
            </p>
            <p>
              You stay in control: disabling the key or removing the role makes your data unreadable to{" "}
              {isvName}. Keep this link: it shows your key&apos;s status whenever you come back.
            </p>
          </div>
        )}
      </Card>
      {view.key && view.key.health !== "UNKNOWN" && (
        <Card
          title={
            <span className="flex items-center gap-2">
              Your key&apos;s health <KeyHealthBadge health={view.key.health} />
            </span>
          }
          description={
            view.key.healthCheckedAt
              ? `${isvName} checks your key regularly, the way Azure services use it. Last check: ${view.key.healthCheckedAt.toISOString().replace("T", " ").slice(0, 16)} UTC.`
              : undefined
          }
        >
          {view.key.findings.length > 0 && (
            <ul className="mb-4 space-y-2 text-sm">
              {view.key.findings.map((f) => (
                <li key={f.code} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
                  <p className="text-slate-900">{f.summary}</p>
                  {f.fix && (
                    <p className="mt-1 text-slate-700">
                      Fix: <code className="break-all">{f.fix}</code>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
          <KeyHealthTimeline points={view.key.timeline} />
        </Card>
      )}
      <EncryptedData view={view} isvName={isvName} />
      {view.state !== "REVOKED" && <ReplacementKey view={view} isvName={isvName} />}
      <KeyStatus view={view} />
      <Card
        title="Evidence for your auditors"
        description={`Who consented and when, your key and its versions, every check of it, the ${isvName} resources that use it, and every change, with the hash that seals ${isvName}'s audit log. A PDF to read and a JSON signed by ${isvName}, verifiable with the public key at /.well-known/jwks.json.`}
      >
        <EvidencePackButton generate={generateMyEvidencePackAction} basePath="/onboard/evidence" />
      </Card>
    </>
  );
}

/** Which of the customer's data the ISV protects with the customer's key: services, counts, key version, since when. */
function EncryptedData({ view, isvName }: { view: SignedInView; isvName: string }) {
  return (
    <Card
      title="Your data encrypted with your key"
      description={`The ${isvName} resources that hold your data and use your key now, as Azure last reported them.`}
    >
      {view.encrypted.length === 0 ? (
        <p className="text-sm text-slate-700" data-testid="encrypted-none">
          None yet: {isvName} has not switched a resource to your key.
        </p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="encrypted-data">
          <caption className="sr-only">
            Resources encrypted with your key, by service, key and key version
          </caption>
          <thead>
            <tr className="text-slate-600">
              <th className="py-1 pr-3 font-medium">Service</th>
              <th className="py-1 pr-3 font-medium">Resources</th>
              <th className="py-1 pr-3 font-medium">Key</th>
              <th className="py-1 pr-3 font-medium">Key version</th>
              <th className="py-1 font-medium">Since</th>
            </tr>
          </thead>
          <tbody>
            {view.encrypted.map((e) => (
              <tr key={`${e.kind}-${e.keyId}-${e.keyVersion}`} className="border-t border-slate-200">
                <td className="py-1 pr-3">{getCmkModule(e.kind).label}</td>
                <td className="py-1 pr-3">{e.count}</td>
                <td className="py-1 pr-3 font-mono text-xs break-all">{e.keyName ?? "—"}</td>
                <td className="py-1 pr-3 font-mono text-xs break-all">{e.keyVersion ?? "—"}</td>
                <td className="py-1">{e.since ? formatDay(e.since) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
