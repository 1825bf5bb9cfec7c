import { InvokeStore } from '@aws/lambda-invoke-store';

/**
 * Runs `main` the way Lambda's runtime runs a function that takes several invocations at once: with
 * AWS_LAMBDA_MAX_CONCURRENCY set and Lambda's invoke store in its multi-context form. Powertools then keeps what
 * belongs to one invocation (the keys a handler appends to its logger, its Lambda context) in that invocation's own
 * async context, which LocalFunctions opens for each one; so two requests handled at once never log each other's
 * blob id. Everything else runs in one outer context, outside any invocation.
 */
export const runAsMultiConcurrentRuntime = async <T>(main: () => Promise<T>): Promise<T> => {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  const store = await InvokeStore.getInstanceAsync(true);
  return store.run({}, main);
};
