/**
 * A Lambda entry point over a module's `wire(env)`: wired on the first event, from the container's
 * environment, then reused, so clients are created once per container as Lambda intends.
 */
export function wireOnFirstCall<A extends unknown[], R>(
  wire: (env: NodeJS.ProcessEnv) => (...args: A) => R,
): (...args: A) => R {
  let wired: ((...args: A) => R) | undefined;
  return (...args) => {
    wired ??= wire(process.env);
    return wired(...args);
  };
}
