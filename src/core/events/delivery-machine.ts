// The state machine of a delivery (an event for one consumer), declared once. The worker's
// statements use these states; the CHECK constraint event_deliveries_status_values lists them
// (a test compares the two), and a succeeded delivery is deleted, not kept in a state.

/** Delivery states (`event_deliveries.status`). */
export const DELIVERY_STATES = Object.freeze(['pending', 'in_flight', 'dead'] as const);

/** A delivery state. */
export type DeliveryStatus = (typeof DELIVERY_STATES)[number];

/** One row of the delivery transition table; `to: null` deletes the delivery. */
export interface DeliveryTransition {
  readonly event: 'claim' | 'reclaim' | 'succeed' | 'retry' | 'bury' | 'release' | 'redeliver';
  readonly from: DeliveryStatus;
  readonly to: DeliveryStatus | null;
  /** When it happens. */
  readonly when: string;
}

/** The delivery transitions. */
export const DELIVERY_TRANSITIONS: readonly DeliveryTransition[] = Object.freeze([
  { event: 'claim', from: 'pending', to: 'in_flight', when: 'due (available_at has passed); attempts + 1, a lease' },
  { event: 'reclaim', from: 'in_flight', to: 'in_flight', when: 'the lease ran out (its worker crashed or stalled); attempts + 1, a new lease' },
  { event: 'succeed', from: 'in_flight', to: null, when: 'the handler succeeded: deleted in the handler’s transaction' },
  { event: 'retry', from: 'in_flight', to: 'pending', when: 'the handler failed with attempts left: available after the backoff' },
  { event: 'bury', from: 'in_flight', to: 'dead', when: 'the handler failed on the last attempt' },
  { event: 'release', from: 'in_flight', to: 'pending', when: 'a stopping worker had not started it: attempts − 1, available now' },
  { event: 'redeliver', from: 'dead', to: 'pending', when: 'an operator asked for it: attempts reset' },
] satisfies DeliveryTransition[]);

/** Backoff settings: the delay before attempt n + 1 is min(maxMs, baseMs · 2^(n − 1)), jittered. */
export interface BackoffOptions {
  /** The first retry's delay, ms. (Default: `1000`) */
  readonly baseMs?: number;
  /** The largest delay, ms. (Default: `300000`, five minutes) */
  readonly maxMs?: number;
}

/**
 * The delay before the next attempt after `attempts` failed ones: exponential, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so retries of many deliveries that
 * failed together spread out, and never more than `maxMs`.
 */
export function backoffDelayMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
