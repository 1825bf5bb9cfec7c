/**
 * Wraps a factory so it runs on first call and every later call gets the same value. Service runtimes use it to
 * wire adapters once per process (per Lambda cold start) without doing it at import time, which tests avoid.
 */
export const once = <T>(factory: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => (built ??= { value: factory() }).value;
};
