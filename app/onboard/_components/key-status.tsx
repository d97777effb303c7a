import { getCloud } from "@/lib/env";
import { assessKeyCompatibility } from "@/lib/keys/compatibility";
import { parseKeyUri } from "@/lib/keys/parse-key-uri";
import type { SignedInView } from "@/lib/onboarding/get-customer-view";
import { CompatibilityTable } from "./compatibility-table";
import { VerificationPanel } from "./verification-panel";

/** The submitted key: its fit with each service that will use it, and the hop-by-hop verification. */
export function KeyStatus({ view }: { view: SignedInView }) {
  if (!view.key) return null;
  const cloud = getCloud();
  // The emulator plays the public cloud; its profile name must not turn off public-cloud rules.
  const rulesCloud = cloud.name === "emulator" ? { ...cloud, name: "public" as const } : cloud;
  const parsed = parseKeyUri(view.key.uri, cloud);
  return (
    <>
      {parsed.ok && (
        <CompatibilityTable
          verdicts={assessKeyCompatibility({
            key: parsed.key,
            facts: view.key.keyType
              ? {
                  keyType: view.key.keyType,
                  keySize: view.key.keySize,
                  enabled: view.key.keyEnabled,
                  expiresAt: view.key.expiresAt,
                  // Purge protection shows in the key's recovery level as a level without "Purgeable".
                  purgeProtected: view.key.recoveryLevel
                    ? !view.key.recoveryLevel.includes("Purgeable")
                    : null,
                }
              : null,
            services: view.services,
            cloud: rulesCloud,
          })}
        />
      )}
      <VerificationPanel keyUri={view.key.uri} status={view.key.status} result={view.key.verification} />
    </>
  );
}
