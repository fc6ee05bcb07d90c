// What the worker and the webhook sender share: claimed work run in a fixed number of lanes
// that stop taking items when asked, and a loop of rounds that waits when a round was idle.

/**
 * Runs `work` over `items` in at most `lanes` concurrent lanes, in order. Once `stopping()` is
 * true, no lane starts another item. Resolves with the items not started (to give back).
 */
export async function runInLanes<T>(items: readonly T[], lanes: number, stopping: () => boolean, work: (item: T) => Promise<void>): Promise<T[]> {
  const queue = [...items];
  const runners = Array.from({ length: Math.min(lanes, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (stopping()) {
        queue.unshift(next);
        return;
      }
      await work(next);
    }
  });
  await Promise.all(runners);
  return queue;
}

/** A loop made by {@link createPollingLoop}. */
export interface PollingLoop {
  /** Runs rounds until {@link PollingLoop.stop}; does nothing when already running. */
  start(): void;
  /** Asks the loop to stop and resolves when its round under way has finished. */
  stop(): Promise<void>;
  /** Whether `start()` was called and `stop()` has not finished. */
  running(): boolean;
  /** Whether `stop()` was called and the loop has not finished yet. */
  stopping(): boolean;
}

/**
 * A loop that runs `round` until stopped: a round that did nothing (`round` resolves false) or
 * failed (`report` is told) is followed by a wait of `pollIntervalMs` (a timer that does not keep
 * the process alive).
 */
export function createPollingLoop(round: () => Promise<boolean>, pollIntervalMs: number, report: (error: unknown) => void): PollingLoop {
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());
  return Object.freeze({
    start() {
      if (running) return;
      running = true;
      stopping = false;
      loop = (async () => {
        while (!stopping) {
          try {
            if (!(await round())) await sleep(pollIntervalMs);
          } catch (error) {
            report(error);
            await sleep(pollIntervalMs);
          }
        }
      })();
    },
    async stop() {
      stopping = true;
      await loop;
      loop = undefined;
      running = false;
      stopping = false;
    },
    running: () => running,
    stopping: () => stopping,
  });
}
