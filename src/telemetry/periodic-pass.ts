/**
 * A background pass on a schedule, off the data plane: one pass at a time (a slow pass is not
 * overlapped by the next tick), failures logged and retried at the next tick, the timer never keeps
 * the process alive, and `stop()` waits for the pass in progress.
 */
export interface PeriodicPass {
  /** One pass now (also what the timer runs); joins the pass in progress if there is one. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface PeriodicPassOptions {
  /** Named in the log line of a failed pass. */
  name: string;
  intervalMs: number;
  /** False runs no timer (`run()` still works). */
  active?: boolean;
  pass: () => Promise<void>;
  logger: { error(obj: object, msg: string): void };
}

export function startPeriodicPass(options: PeriodicPassOptions): PeriodicPass {
  let running: Promise<void> | null = null;

  function run(): Promise<void> {
    running ??= options
      .pass()
      .catch((error: unknown) => options.logger.error({ err: error }, `${options.name} pass failed`))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = options.active === false ? null : setInterval(() => void run(), options.intervalMs);
  timer?.unref();
  return {
    run,
    async stop() {
      if (timer !== null) clearInterval(timer);
      await running;
    },
  };
}
