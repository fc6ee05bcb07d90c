// The state machine of a webhook delivery, declared once. The sender's and the repository's
// statements use these states; the CHECK constraint webhook_deliveries_status_values lists them
// (a test compares the two), and the webhooks tests drive every transition below on real rows
// (test/contexts/integrations/webhooks/webhooks.test.ts checks that each one was seen).

/** Webhook delivery states (`webhook_deliveries.status`). */
export const WEBHOOK_DELIVERY_STATES = Object.freeze(['pending', 'in_flight', 'retry', 'succeeded', 'dead'] as const);

/** A webhook delivery state. */
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATES)[number];

/** One row of the webhook delivery transition table; `from: null` makes the delivery. */
export interface WebhookDeliveryTransition {
  readonly event: 'fan_out' | 'claim' | 'reclaim' | 'succeed' | 'retry' | 'bury' | 'cancel' | 'release' | 'postpone' | 'redeliver';
  readonly from: WebhookDeliveryStatus | null;
  readonly to: WebhookDeliveryStatus;
  /** When it happens. */
  readonly when: string;
}

/** The webhook delivery transitions. Finished deliveries (succeeded, dead) are kept until pruned. */
export const WEBHOOK_DELIVERY_TRANSITIONS: readonly WebhookDeliveryTransition[] = Object.freeze([
  { event: 'fan_out', from: null, to: 'pending', when: 'the worker’s webhooks handler met an event the active webhook subscribes to (once: a unique key)' },
  { event: 'claim', from: 'pending', to: 'in_flight', when: 'due; attempts + 1, a lease' },
  { event: 'claim', from: 'retry', to: 'in_flight', when: 'due after its backoff; attempts + 1, a lease' },
  { event: 'reclaim', from: 'in_flight', to: 'in_flight', when: 'the lease ran out (its sender crashed or stalled); attempts + 1, a new lease' },
  { event: 'succeed', from: 'in_flight', to: 'succeeded', when: 'the endpoint answered 2xx; the webhook’s failure count goes back to 0' },
  { event: 'retry', from: 'in_flight', to: 'retry', when: 'the attempt failed with attempts left: due after a bounded exponential backoff' },
  { event: 'bury', from: 'in_flight', to: 'dead', when: 'the last attempt failed; the webhook is disabled or deleted; or a lost lease left it past its attempts' },
  { event: 'cancel', from: 'pending', to: 'dead', when: 'the webhook was disabled or deleted' },
  { event: 'cancel', from: 'retry', to: 'dead', when: 'the webhook was disabled or deleted' },
  { event: 'release', from: 'in_flight', to: 'pending', when: 'a stopping sender had not sent it: attempts − 1, due now' },
  { event: 'postpone', from: 'in_flight', to: 'pending', when: 'the key provider failed, so no request was made: attempts − 1, due after the first backoff, not counted against the webhook' },
  { event: 'redeliver', from: 'succeeded', to: 'pending', when: 'asked for (webhooks.redeliver) while the webhook is active: attempts reset' },
  { event: 'redeliver', from: 'dead', to: 'pending', when: 'the same, for a dead delivery' },
] satisfies WebhookDeliveryTransition[]);
