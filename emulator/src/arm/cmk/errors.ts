import { ArmError } from "../errors.js";
import type { CmkFailure, CmkResult } from "./check.js";

/** Maps a failed customer-key check onto one service's ARM error (codes marked as guesses in COVERAGE.md). */
export type CmkErrorTable = Partial<
  Record<CmkFailure, [code: string, message?: (detail: string) => string]>
> & {
  default: [code: string, message?: (detail: string) => string];
};

export function cmkError(
  table: CmkErrorTable,
  result: Extract<CmkResult, { ok: false }>,
  status = 400,
  target?: string,
): ArmError {
  const [code, message] = table[result.reason] ?? table.default;
  return new ArmError(
    status,
    code,
    message ? message(result.message) : result.message,
    target ? { target } : {},
  );
}
