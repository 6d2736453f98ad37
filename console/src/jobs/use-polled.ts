import { useEffect, useState } from 'preact/hooks';

/**
 * A value read again and again: `read` at once (or after `firstDelayMs`), then after as long as
 * `pause` says for what it read (undefined: no more). A failed read shows its message and, where
 * `pause` allows, is tried again. A change of `deps` aborts the read under way and starts afresh.
 */
export function usePolled<T>(
  read: (signal: AbortSignal) => Promise<T>,
  pause: (value: T | undefined) => number | undefined,
  deps: readonly unknown[],
  firstDelayMs = 0,
): { value: T | undefined; problem: string | undefined } {
  const [value, setValue] = useState<T>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      let wait: number | undefined;
      try {
        const next = await read(abort.signal);
        setValue(next);
        setProblem(undefined);
        wait = pause(next);
      } catch (error) {
        if (abort.signal.aborted) return;
        setProblem((error as Error).message);
        wait = pause(undefined);
      }
      if (wait !== undefined && !abort.signal.aborted) timer = setTimeout(load, wait);
    };
    timer = setTimeout(load, firstDelayMs);
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, deps);
  return { value, problem };
}
