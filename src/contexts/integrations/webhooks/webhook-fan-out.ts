// The worker's webhooks handler: turns each event into one delivery per active webhook of its
// organization subscribed to its type, in the delivery's transaction (so exactly once).
import { ValidationError } from '../../../core/errors/validation-error.js';
import type { EventHandler } from '../../../core/events/event-handler.js';
import { fanOutToWebhooks } from './webhook-sender-statements.js';

const EVENT_TYPE_CODE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** Options of {@link webhookFanOut}. */
export interface WebhookFanOutOptions {
  /**
   * The event types webhooks may receive: the handler is subscribed to these, and a webhook
   * subscribed to a type not listed gets nothing. Usually every type: `EVENT_TYPES.map((t) => t.code)`
   * from `@org/data/events`, plus the service's own.
   */
  readonly eventTypes: readonly string[];
  /** The handler's (consumer's) name. (Default: `webhooks`) */
  readonly name?: string;
}

/**
 * The event handler that feeds webhooks from the outbox: register it with `createWorker`. For
 * each event of a listed type it makes one `webhook_deliveries` row per active webhook of the
 * event's organization subscribed to that type (a unique key makes a repeat harmless); a webhook
 * sender then sends them.
 * @throws ValidationError for a missing or malformed list of event types.
 */
export function webhookFanOut(options: WebhookFanOutOptions): EventHandler {
  const eventTypes = options !== null && typeof options === 'object' ? options.eventTypes : undefined;
  if (!Array.isArray(eventTypes) || eventTypes.length === 0 || !eventTypes.every((t) => typeof t === 'string' && t.length <= 100 && EVENT_TYPE_CODE.test(t))) {
    throw new ValidationError([{ path: 'options.eventTypes', message: 'must list event type codes' }]);
  }
  const name = options.name ?? 'webhooks';
  return Object.freeze({
    name,
    eventTypes: Object.freeze([...new Set(eventTypes as string[])]),
    async handle(event, { trx, tenant }) {
      await fanOutToWebhooks(trx, { organizationId: tenant, eventId: event.id, eventCreatedAt: event.createdAt, eventType: event.eventType });
    },
  } satisfies EventHandler);
}
