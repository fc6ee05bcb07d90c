import type { EventPayload } from '../../schema/json-columns.js';
import { ValidationError } from '../errors/validation-error.js';
import type { EventTypeDescriptor } from './event-type.js';

export type { EventPayload };

/** A domain event as stored in `domain_events` and handed to consumers. */
export interface DomainEvent {
  /** The public id: receivers deduplicate by it. */
  readonly id: string;
  /** When it was written: the writing transaction's `now()` (the partition key). */
  readonly createdAt: Date;
  /** The tenant. */
  readonly organizationId: string;
  /** The event type's code, e.g. `staff_profile.verified`. */
  readonly eventType: string;
  /** The version of the payload's schema. */
  readonly payloadVersion: number;
  /** The aggregate's name, e.g. `staff_profile`. */
  readonly aggregateType: string;
  /** The aggregate's id. */
  readonly aggregateId: string;
  /** The aggregate's version after the change, where it has one. */
  readonly aggregateVersion: number | null;
  /** The payload, valid under the event type's schema of `payloadVersion`. */
  readonly payload: EventPayload;
  /** Who acted, when known. */
  readonly actorUserId: string | null;
  /** The correlation id of the request or process the change belongs to. */
  readonly correlationId: string | null;
  /** The id of the event or command that caused this one. */
  readonly causationId: string | null;
  /** The request id of the audit context. */
  readonly requestId: string | null;
}

/** An event to write beside an audit record (see `auditEvent`'s `change.event`): the event's own fields; the rest comes from the statement and its audit context. */
export type DomainEventRecord = Pick<
  DomainEvent,
  'eventType' | 'payloadVersion' | 'aggregateType' | 'aggregateId' | 'aggregateVersion' | 'payload'
>;

/**
 * The event of `type` about aggregate `aggregateId` with `payload` (the current version's
 * shape), to pass as `event` in an `auditEvent` change: `writeAudit` then writes the audit row,
 * the event and its outbox message in one statement.
 *
 * @throws ValidationError when `type` is not an event type (`defineEventType`), `aggregateId` not
 *   a string, `payload` not an object or `aggregateVersion` not an integer or `null`.
 */
export function domainEvent<P extends object>(
  type: EventTypeDescriptor<string, P>,
  aggregateId: string,
  payload: P,
  aggregateVersion: number | null = null,
): DomainEventRecord {
  const issues = [];
  if (type === null || typeof type !== 'object' || typeof type.code !== 'string' || !Number.isInteger(type.version)) {
    issues.push({ path: 'type', message: 'must be an event type (defineEventType)' });
  }
  if (typeof aggregateId !== 'string' || aggregateId === '') issues.push({ path: 'aggregateId', message: 'must be the aggregate id' });
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) issues.push({ path: 'payload', message: 'must be an object' });
  if (aggregateVersion !== null && !Number.isInteger(aggregateVersion)) {
    issues.push({ path: 'aggregateVersion', message: 'must be an integer or null' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    eventType: type.code,
    payloadVersion: type.version,
    aggregateType: type.aggregateType,
    aggregateId,
    aggregateVersion,
    payload: payload as EventPayload,
  };
}
