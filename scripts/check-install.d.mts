/** Types for scripts/check-install.mjs (plain JavaScript so it runs on any Node before the install is proven). */
export const installScriptEffects: Record<string, (root: string) => string | undefined>;
export function findInstallProblems(
  root: string,
  options?: { listUnreviewed?: (root: string) => string[] },
): string[];
