/** Bash: single quotes keep everything literal; a quote inside is closed, escaped and reopened. */
export function bashQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * PowerShell: single-quoted strings are literal and a quote inside is doubled. PowerShell also treats the
 * typographic quotes ‘ ’ ‚ ‛ as single quotes, so they are doubled too.
 */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}
