import "server-only";
import { isAppError } from "@/lib/errors";

/**
 * What an Azure failure says, pulled out of whichever SDK error carried it (ARM, Key Vault, MSAL, a long-running
 * operation's poller, the network), and whether trying again can help.
 */
export interface AzureFailure {
  /** AADSTS number, ARM/Key Vault code, or the network's code. */
  code: string;
  /** HTTP status, when an HTTP answer carried the failure. */
  status?: number;
  /** Azure's own words, first line. */
  message: string;
  /** Throttling, 5xx, another operation in progress and network errors: yes; anything else: no. */
  retryable: boolean;
  /** Azure's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** Key Vault's inner error code, e.g. ForbiddenByRbac. */
  innerCode?: string;
}

const RETRYABLE_CODES =
  /^(SubscriptionRequestsThrottled|TooManyRequests|RetryableErrorDueToAnotherOperation|AnotherOperationInProgress|Conflict|ServiceUnavailable|InternalServerError|GatewayTimeout|RequestTimeout|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN)$/;
const COSMOS_KEY_VAULT_503 = /Error contacting the Azure Key Vault resource/;
const NETWORK_CODES =
  /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_)/;

type SdkError = {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
  // MSAL's server error.
  errorResponse?: { error?: string; errorDescription?: string; errorCodes?: number[] };
  // ARM's and Key Vault's error body; Key Vault's SDK deserializes innererror into its model as innerError.
  details?: {
    error?: {
      code?: string;
      message?: string;
      innererror?: { code?: string };
      innerError?: { code?: string };
    };
  };
} | null;

export function describeAzureError(error: unknown): AzureFailure {
  const e = error as SdkError;
  const text = e?.message ?? String(error);
  // core-lro reports a failed operation as a plain Error: "The long-running operation has failed[. {code}. {message}]".
  const lro = /^The long-running operation has failed(?:\. ([\w.-]+)\. ([\s\S]*))?$/.exec(text);
  if (lro) {
    const code = lro[1] ?? "OperationFailed";
    const message = lro[2] ? firstLine(lro[2]) : "Azure's long-running operation ended as Failed.";
    return { code, message, retryable: RETRYABLE_CODES.test(code) };
  }
  if (text === "Operation was canceled")
    return { code: "Canceled", message: "Azure cancelled the long-running operation.", retryable: false };
  if (isAppError(error))
    return {
      code: error.azureCode ?? error.code,
      status: error.status,
      message: error.message,
      retryable: false,
    };
  const aadsts = /AADSTS(\d+)/.exec(e?.errorResponse?.errorDescription ?? text);
  if (aadsts)
    return {
      code: `AADSTS${aadsts[1]}`,
      status: e?.statusCode,
      message: firstLine(e?.errorResponse?.errorDescription ?? text),
      retryable: false,
    };
  if (e?.code && NETWORK_CODES.test(e.code))
    return { code: e.code, message: text, retryable: RETRYABLE_CODES.test(e.code) };
  const body = e?.details?.error;
  const code = body?.code ?? e?.code ?? e?.name ?? "Unknown";
  const status = e?.statusCode;
  const retryAfter = Number(e?.response?.headers?.get("retry-after"));
  const message = firstLine(body?.message ?? text);
  return {
    code,
    status,
    message,
    // Cosmos DB answers a missing key, a default identity without its federated client id or a deleted app with
    // 503 "Error contacting the Azure Key Vault resource" (Learn, Cosmos DB CMK troubleshooting): not transient.
    retryable:
      !COSMOS_KEY_VAULT_503.test(message) &&
      (status === 429 || (status !== undefined && status >= 500) || RETRYABLE_CODES.test(code)),
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    innerCode: (body?.innererror ?? body?.innerError)?.code,
  };
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]?.trim() ?? text;
}
