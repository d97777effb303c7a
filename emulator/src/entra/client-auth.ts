import type { Emulator } from "../emulator.js";
import type { Application } from "../core/directory.js";
import { AadError } from "./errors.js";
import { validateFederatedAssertion } from "./federation.js";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** How the client authenticated at the token endpoint (client_secret_post, client_secret_basic, private_key_jwt). */
export interface ClientCredentials {
  clientId: string;
  secret?: string;
  assertion?: string;
  assertionType?: string;
}

export function readClientCredentials(
  body: Record<string, string | undefined>,
  authorization: string | undefined,
): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    const id = decodeURIComponent(decoded.slice(0, i));
    const secret = decodeURIComponent(decoded.slice(i + 1));
    if (body.client_id && body.client_id !== id) {
      throw new AadError(
        "invalid_request",
        90027,
        "The client_id in the request body and the Authorization header do not match.",
      );
    }
    return { clientId: id, secret };
  }
  return {
    clientId: body.client_id ?? "",
    secret: body.client_secret,
    assertion: body.client_assertion,
    assertionType: body.client_assertion_type,
  };
}

export const presentsCredential = (c: ClientCredentials): boolean =>
  c.secret !== undefined || c.assertion !== undefined;

/** Authenticates a confidential client; returns the `appidacr` value (1 = secret, 2 = assertion). */
export async function authenticateClient(
  emu: Emulator,
  app: Application,
  creds: ClientCredentials,
): Promise<"1" | "2"> {
  if (creds.assertion !== undefined) {
    if (creds.assertionType !== JWT_BEARER) {
      throw new AadError(
        "invalid_request",
        70002,
        `The client_assertion_type '${creds.assertionType ?? ""}' is not supported. Only '${JWT_BEARER}' is supported.`,
      );
    }
    await validateFederatedAssertion(emu, app, creds.assertion);
    return "2";
  }
  if (creds.secret !== undefined) {
    if (!app.clientSecrets.includes(creds.secret)) {
      throw new AadError(
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
      );
    }
    return "1";
  }
  throw new AadError(
    "invalid_client",
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}
