import { ARM_API_VERSIONS } from "../core/api-versions.js";
import { ArmError } from "./errors.js";

/** The accepted api-versions per resource type: the GA table in core/api-versions.ts. */
export const API_VERSIONS = ARM_API_VERSIONS;

const NAMESPACE_OPS: Record<string, string[]> = {};
for (const [type, versions] of Object.entries(API_VERSIONS)) {
  const ns = type.split("/")[0] ?? "";
  NAMESPACE_OPS[ns] = [...new Set([...(NAMESPACE_OPS[ns] ?? []), ...versions])];
}

/** Throws the ARM front door's errors: MissingApiVersionParameter / NoRegisteredProviderFound / InvalidApiVersionParameter. */
export function checkApiVersion(type: string, apiVersion: string | undefined, location = "global"): void {
  if (!apiVersion) {
    throw new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const supported = API_VERSIONS[type.toLowerCase()];
  if (!supported) {
    throw new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type.split("/").slice(1).join("/")}'.`,
    );
  }
  if (!supported.includes(apiVersion)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
    );
  }
}

export function checkNamespaceApiVersion(namespace: string, apiVersion: string | undefined): void {
  if (!apiVersion) checkApiVersion("", undefined);
  const supported = NAMESPACE_OPS[namespace.toLowerCase()] ?? [];
  if (!supported.includes(apiVersion ?? "")) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
    );
  }
}
