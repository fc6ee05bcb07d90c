import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { AggregateDescriptor } from '../kernel/aggregate.js';

import type { AuditSnapshot } from '../../schema/json-columns.js';
import type { DomainEventRecord } from '../events/domain-event.js';

export type { AuditSnapshot };

/** A change to record, with its snapshots already reduced to the aggregate's whitelist. */
export interface AuditRecord {
  /** `<entity>.<verb>`, e.g. `user.register`, `staff_profile.verify`. */
  readonly action: string;
  /** The aggregate's name. */
  readonly entityType: string;
  /** The entity's id. */
  readonly entityId: string;
  /** The tenant, or `null` for global entities (roles, permissions). */
  readonly organizationId: string | null;
  /** The whitelisted snapshot before the change; `null` for creations. */
  readonly before: AuditSnapshot | null;
  /** The whitelisted snapshot after the change; `null` for deletions. */
  readonly after: AuditSnapshot | null;
  /** The domain event written with the audit row, in the same statement (see `domainEvent`). */
  readonly event?: DomainEventRecord;
}

/** What changed: the entity, its tenant, and its state before and after. */
export interface AuditChange<E extends object> {
  /** The entity's id. */
  readonly entityId: string;
  /** The tenant, or `null` for global entities. */
  readonly organizationId: string | null;
  /** The entity before the change (whitelisted here); absent for creations. */
  readonly before?: Partial<E> | null;
  /** The entity after the change (whitelisted here); absent for deletions. */
  readonly after?: Partial<E> | null;
  /** A domain event to write with the audit row (made with `domainEvent`). */
  readonly event?: DomainEventRecord;
}

/**
 * Keeps only the `fields` of `source` (absent fields are omitted); `null` for no source. Dates
 * become ISO strings.
 */
export function snapshotFields(
  fields: readonly string[],
  source: object | null | undefined,
): Record<string, unknown> | null {
  if (!source) return null;
  const record = source as Record<string, unknown>;
  const snapshot: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field in record)) continue;
    const value = record[field];
    snapshot[field] = value instanceof Date ? value.toISOString() : value;
  }
  return snapshot;
}

/**
 * The audit record of `action` on an aggregate: the action must be one the descriptor declares,
 * and the snapshots keep only its audited fields.
 *
 * @example
 * await writeAudit(trx, context, auditEvent(userAggregate, 'deactivate', { entityId, organizationId, before, after }));
 */
export function auditEvent<E extends object, N extends string, A extends string, P extends string>(
  aggregate: AggregateDescriptor<E, N, A, P>,
  action: NoInfer<A>,
  change: AuditChange<E>,
): AuditRecord {
  const issues: ValidationIssue[] = [];
  if (aggregate === null || typeof aggregate !== 'object' || typeof aggregate.name !== 'string' || !Array.isArray(aggregate.audited)) {
    issues.push({ path: 'aggregate', message: 'must be an aggregate descriptor (defineAggregate)' });
  }
  if (typeof action !== 'string' || action.length === 0) issues.push({ path: 'action', message: 'must be an action name' });
  if (change === null || typeof change !== 'object') issues.push({ path: 'change', message: 'must be an object' });
  else if (typeof change.entityId !== 'string') issues.push({ path: 'change.entityId', message: 'must be the entity id' });
  if (issues.length > 0) throw new ValidationError(issues);
  const record: { -readonly [K in keyof AuditRecord]: AuditRecord[K] } = {
    action: `${aggregate.actionPrefix ?? aggregate.name}.${action}`,
    entityType: aggregate.name,
    entityId: change.entityId,
    organizationId: change.organizationId,
    before: snapshotFields(aggregate.audited, change.before),
    after: snapshotFields(aggregate.audited, change.after),
  };
  if (change.event !== undefined) record.event = change.event;
  return record;
}
