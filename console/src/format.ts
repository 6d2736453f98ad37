/** Sizes and times as the pages print them. */

/** Bytes in B, KiB, MiB or GiB. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 ** 2) return `${(size / 1024).toFixed(1)} KiB`;
  if (size < 1024 ** 3) return `${(size / 1024 ** 2).toFixed(1)} MiB`;
  return `${(size / 1024 ** 3).toFixed(2)} GiB`;
}

/** Seconds to two decimals under a minute, m:ss above. */
export function formatSeconds(t: number): string {
  if (t < 60) return `${Number(t.toFixed(2))} s`;
  const minutes = Math.floor(t / 60);
  return `${minutes}:${String(Math.round(t - minutes * 60)).padStart(2, '0')}`;
}
