/** What an Azure failure says, pulled out of whichever SDK error carried it. */
export interface AzureFailure {
  /** AADSTS number, ARM/Key Vault code, or HTTP-level code. */
  code: string;
  status?: number;
  message: string;
  /** Key Vault's inner error code, e.g. ForbiddenByRbac. */
  innerCode?: string;
}

export function describeAzureError(error: unknown): AzureFailure {
  const e = error as {
    name?: string;
    message?: string;
    statusCode?: number;
    code?: string;
    errorResponse?: { error?: string; errorDescription?: string; errorCodes?: number[] };
    // Key Vault's SDK deserializes the error body into its model (innerError); raw bodies say innererror.
    details?: {
      error?: {
        code?: string;
        message?: string;
        innererror?: { code?: string };
        innerError?: { code?: string };
      };
    };
  };
  const message = e?.message ?? String(error);
  const aadsts = /AADSTS(\d+)/.exec(e?.errorResponse?.errorDescription ?? message);
  if (aadsts)
    return {
      code: `AADSTS${aadsts[1]}`,
      status: e?.statusCode,
      message: firstLine(e?.errorResponse?.errorDescription ?? message),
    };
  const kv = e?.details?.error;
  if (kv?.code)
    return {
      code: kv.code,
      status: e.statusCode,
      message: firstLine(kv.message ?? message),
      innerCode: (kv.innererror ?? kv.innerError)?.code,
    };
  if (
    e?.code &&
    /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_)/.test(
      e.code,
    )
  ) {
    return { code: e.code, message };
  }
  return { code: e?.code ?? e?.name ?? "Unknown", status: e?.statusCode, message: firstLine(message) };
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]?.trim() ?? text;
}
