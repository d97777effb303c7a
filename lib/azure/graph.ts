import "server-only";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import { getCloud } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getAppCredential } from "./credentials";

/**
 * Microsoft Graph in the ISV's own tenant, as the app's managed identity. Wire types are parsed with zod
 * here; callers get app types. Permissions it needs: Application.Read.All to read app registrations and
 * Application.ReadWrite.OwnedBy (the app identity an owner of the CMK app) to write federated credentials
 * (https://learn.microsoft.com/en-us/graph/api/application-post-federatedidentitycredentials?view=graph-rest-1.0).
 */
let client: Client | undefined;

function getGraphClient(): Client {
  const cloud = getCloud();
  client ??= Client.initWithMiddleware({
    baseUrl: cloud.graphEndpoint,
    defaultVersion: "v1.0",
    // The SDK attaches the token only to Microsoft's Graph hosts and to the hosts listed here.
    customHosts: new Set([new URL(cloud.graphEndpoint).hostname]),
    authProvider: {
      getAccessToken: async () => {
        const token = await getAppCredential().getToken(cloud.scopes.graph);
        if (!token) throw new AppError("AZURE", "The app identity got no token for Microsoft Graph.");
        return token.token;
      },
    },
  });
  return client;
}

export const graphApplicationSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  signInAudience: z.string().nullish(),
  web: z.object({ redirectUris: z.array(z.string()).default([]) }).nullish(),
  spa: z.object({ redirectUris: z.array(z.string()).default([]) }).nullish(),
  appRoles: z
    .array(z.looseObject({ id: z.string(), value: z.string().nullish(), isEnabled: z.boolean().nullish() }))
    .default([]),
  verifiedPublisher: z
    .object({ displayName: z.string().nullish(), verifiedPublisherId: z.string().nullish() })
    .nullish(),
});
export type GraphApplication = z.infer<typeof graphApplicationSchema>;

export const federatedCredentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()),
  description: z.string().nullish(),
});
export type FederatedCredential = z.infer<typeof federatedCredentialSchema>;

/** What a federated credential should say; the same shape Graph takes in POST and PATCH. */
export interface FederatedCredentialBody {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description?: string;
}

/** Turns a Graph failure into an AppError that keeps Graph's own code. */
function graphFailure(error: unknown, what: string): never {
  if (error instanceof GraphError) {
    throw new AppError("AZURE", `Microsoft Graph refused to ${what}: ${error.message}`, {
      azureCode: error.code ?? String(error.statusCode),
      details: { status: error.statusCode },
      cause: error,
    });
  }
  throw error;
}

export const isGraphStatus = (error: unknown, status: number) =>
  error instanceof AppError && error.options.details?.status === status;

const appPath = (appId: string) => `/applications(appId='${encodeURIComponent(appId)}')`;

/** The app registration with this client ID in the ISV tenant; null when there is none. */
export async function findApplication(appId: string): Promise<GraphApplication | null> {
  try {
    return graphApplicationSchema.parse(await getGraphClient().api(appPath(appId)).get());
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return null;
    graphFailure(error, `read the app registration ${appId}`);
  }
}

/** Every federated credential on an app (an app holds at most 20, so one page). */
export async function listFederatedCredentials(appId: string): Promise<FederatedCredential[]> {
  try {
    const page = z.object({ value: z.array(federatedCredentialSchema) }).parse(
      await getGraphClient()
        .api(`${appPath(appId)}/federatedIdentityCredentials`)
        .get(),
    );
    return page.value;
  } catch (error) {
    graphFailure(error, `list the federated credentials of ${appId}`);
  }
}

export async function createFederatedCredential(
  appId: string,
  body: FederatedCredentialBody,
): Promise<FederatedCredential> {
  try {
    return federatedCredentialSchema.parse(
      await getGraphClient()
        .api(`${appPath(appId)}/federatedIdentityCredentials`)
        .post(body),
    );
  } catch (error) {
    graphFailure(error, `create the federated credential ${body.name}`);
  }
}

/** PATCH changes issuer, subject and audiences; a credential's name cannot change. */
export async function updateFederatedCredential(
  appId: string,
  credentialId: string,
  body: Omit<FederatedCredentialBody, "name">,
): Promise<void> {
  try {
    await getGraphClient()
      .api(`${appPath(appId)}/federatedIdentityCredentials/${encodeURIComponent(credentialId)}`)
      .patch(body);
  } catch (error) {
    graphFailure(error, `update the federated credential ${credentialId}`);
  }
}
