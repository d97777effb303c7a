/** Key Vault error envelope (§5.4): {"error":{"code","message","innererror":{"code"}}}. */
export class KvError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}),
      },
    };
  }
}

export const keyNotFound = (name: string, version?: string): KvError =>
  new KvError(
    404,
    "KeyNotFound",
    `A key with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );

export const badParameter = (message: string): KvError => new KvError(400, "BadParameter", message);

export const forbidden = (message: string, innerCode?: string): KvError =>
  new KvError(403, "Forbidden", message, innerCode);
