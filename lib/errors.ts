/**
 * The one error type the app throws on purpose. `message` is written for the person who will read it;
 * `azureCode` keeps Azure's own code (AADSTS…, ForbiddenByRbac, …) beside ours when Azure was the cause.
 */
export const APP_ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** An invite link that expired or was revoked. */
  INVITE_UNUSABLE: 410,
  RATE_LIMITED: 429,
  /** Azure refused or failed; see azureCode. */
  AZURE: 502,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly options: { azureCode?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
  }

  get status(): number {
    return APP_ERROR_CODES[this.code];
  }

  get azureCode(): string | undefined {
    return this.options.azureCode;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
