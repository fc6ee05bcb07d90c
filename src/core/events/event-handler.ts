import type { Transaction } from 'kysely';
import type { DB } from '../../schema/db.js';
import type { DomainEvent } from './domain-event.js';

/** What a handler is given besides the event: the delivery's transaction, scoped to the event's tenant. */
export interface EventHandlerScope {
  /** The transaction, with the event's organization set as the tenant (row-level security). */
  readonly trx: Transaction<DB>;
  /** The event's organization. */
  readonly tenant: string;
  /** Which attempt this is (1 for the first). */
  readonly attempt: number;
}

/**
 * A consumer of domain events. The worker makes one delivery per (event, handler subscribed to
 * its type) and runs `handle` in a transaction with the tenant set; the delivery is marked done
 * in that same transaction, so what the handler writes through `scope.trx` happens exactly once.
 * Effects outside the database (an HTTP call) happen at least once: make them idempotent, e.g.
 * keyed by `event.id`.
 */
export interface EventHandler {
  /** A stable name (`event_deliveries.consumer`): lowercase, digits, `_`, `.`, `-`; at most 100 characters. */
  readonly name: string;
  /** The event type codes it handles. */
  readonly eventTypes: readonly string[];
  /** Handles one event; a rejection is a failed attempt (retried with backoff, then dead). */
  handle(event: DomainEvent, scope: EventHandlerScope): Promise<void>;
}
