import "server-only";
import { headers } from "next/headers";
import { clientAddressFrom, clientAddressOf } from "@/lib/security/client-address";

export { clientAddressFrom };

/** The request ID the proxy gave this request (proxy.ts), repeated in every log line and audit event. */
export async function currentRequestId(): Promise<string | undefined> {
  return (await headers()).get("x-request-id") ?? undefined;
}

/** The client's address as the trusted proxy chain reports it; see `clientAddressFrom`. */
export async function currentClientAddress(): Promise<string> {
  return clientAddressOf(await headers());
}
