/** Seconds as the plan states them: to the millisecond, which no listener can tell apart. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Dollars to the millionth: a short render costs a few ten-thousandths. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** Seconds in a message: `12.35 s`. */
export function formatSeconds(seconds: number): string {
  return `${Math.round(seconds * 100) / 100} s`;
}
