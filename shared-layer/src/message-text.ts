/**
 * A user-supplied string as it may appear inside an error line: control characters escaped (so one
 * problem stays one line) and long values shortened.
 */
export function quoteForMessage(value: string, maxLength = 100): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}…` : escaped;
}
