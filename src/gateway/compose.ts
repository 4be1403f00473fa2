/**
 * Composes pipeline stages into one function, once, at start-up (hono's `compose`). A stage is
 * `(context, next) => Promise<void>`: it works before and/or after awaiting `next()`, or stops the
 * request by not calling it (and throwing a `GatewayError`).
 */
export type Stage<Context> = (context: Context, next: () => Promise<void>) => Promise<void>;

export function compose<Context>(stages: readonly Stage<Context>[]): (context: Context) => Promise<void> {
  return function run(context) {
    let lastIndex = -1;
    function dispatch(index: number): Promise<void> {
      if (index <= lastIndex) return Promise.reject(new Error('next() called more than once in one stage'));
      lastIndex = index;
      const stage = stages[index];
      if (stage === undefined) return Promise.resolve();
      try {
        return stage(context, () => dispatch(index + 1));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return dispatch(0);
  };
}
