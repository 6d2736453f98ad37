/**
 * Reads ffmpeg's `-progress` output (key=value lines) and turns `out_time_us` into a 0-100 percent
 * of the expected duration. Percent only grows, and 100 comes only with `progress=end`.
 */
export function createProgressParser(totalSeconds: number, onPercent: (percent: number) => void) {
  let last = -1;
  const report = (percent: number) => {
    if (percent > last) {
      last = percent;
      onPercent(percent);
    }
  };
  return (line: string): void => {
    const eq = line.indexOf('=');
    if (eq === -1) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'progress' && value === 'end') {
      report(100);
    } else if (key === 'out_time_us' && totalSeconds > 0) {
      const micros = Number(value);
      if (!Number.isFinite(micros) || micros < 0) return;
      report(Math.min(99, Math.floor((micros / 1e6 / totalSeconds) * 100)));
    }
  };
}
