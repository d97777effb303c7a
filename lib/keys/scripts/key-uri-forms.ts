import { CUSTOMER_CLOUDS, type CloudProfile } from "@/lib/azure/clouds";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import { SERVICE_KEY_RULES } from "@/lib/keys/compatibility";

/** One form of key URI, what it means for rotation, and how each service treats it. */
export interface KeyUriFormExplanation {
  form: "versionless" | "versioned";
  title: string;
  /** The URI's shape, e.g. https://{vault}.vault.azure.net/keys/{key-name} */
  shape: string;
  summary: string;
  services: { service: ResourceKind; label: string; behaviour: string }[];
}

const ALL_SERVICES = Object.keys(SERVICE_KEY_RULES) as ResourceKind[];

/**
 * Versioned vs versionless key URIs, for the key step of the onboarding page. The per-service lines come
 * from the same rules the compatibility check applies, so the page and the verdicts never disagree.
 */
export function explainKeyUriForms(
  cloud: CloudProfile = CUSTOMER_CLOUDS[0]!,
  services: readonly ResourceKind[] = ALL_SERVICES,
): KeyUriFormExplanation[] {
  const base = `https://{vault}.${cloud.keyVaultSuffixes[0] ?? "vault.azure.net"}/keys/{key-name}`;
  const per = (form: "versionless" | "versioned") =>
    services.map((service) => ({
      service,
      label: SERVICE_KEY_RULES[service].label,
      behaviour: SERVICE_KEY_RULES[service][form],
    }));
  return [
    {
      form: "versionless",
      title: "Versionless",
      shape: base,
      summary:
        "Names the key, not one version of it. When you rotate (create a new version), services move to it by themselves, so rotation is one step on your side. Keep older versions enabled until every service has moved.",
      services: per("versionless"),
    },
    {
      form: "versioned",
      title: "Versioned",
      shape: `${base}/{version}`,
      summary:
        "Pins one version. Services keep using it until the URI is changed, so rotating means handing over the new version's URI; disabling the old version before then stops the services that use it.",
      services: per("versioned"),
    },
  ];
}
