// The registry of every aggregate the package declares, and what is derived from it: the audit
// whitelist, the entity-type and action unions, and the tenant/global table lists.
import type { Kysely } from 'kysely';
import { snapshotFields } from './core/audit/audit-event.js';
import { auditLogTable } from './core/audit/audit-log-table.js';
import { EVENT_TABLES } from './core/events/event-tables.js';
import { EVENTS_AGGREGATES } from './contexts/events/aggregates.js';
import { INTEGRATIONS_AGGREGATES } from './contexts/integrations/aggregates.js';
import { FORMS_AGGREGATES } from './contexts/forms/aggregates.js';
import { WORKFLOWS_AGGREGATES } from './contexts/workflows/aggregates.js';
import { createAuditReader, type AuditRepository } from './core/audit/audit-repository.js';
import type { AggregateDescriptor, AuditActionOf } from './core/kernel/aggregate.js';
import { DOCUMENTS_AGGREGATES } from './contexts/documents/aggregates.js';
import { IDENTITY_AGGREGATES } from './contexts/identity/aggregates.js';
import type { DB } from './schema/db.js';
import { ValidationError } from './core/errors/validation-error.js';

/** Every aggregate and table descriptor of every context, and the core's audit and event tables. */
export const AGGREGATES = Object.freeze([...IDENTITY_AGGREGATES, ...DOCUMENTS_AGGREGATES, ...EVENTS_AGGREGATES, ...INTEGRATIONS_AGGREGATES, ...FORMS_AGGREGATES, ...WORKFLOWS_AGGREGATES, auditLogTable, ...EVENT_TABLES] as const);

type Aggregate = (typeof AGGREGATES)[number];
type RecordingName<D> = D extends AggregateDescriptor<never, infer N, infer A, string> ? ([A] extends [never] ? never : N) : never;

/** The entity types the audit trail knows: the names of aggregates that record actions. */
export type AuditEntityType = RecordingName<Aggregate>;

/** Every audit action any aggregate records, e.g. `user.register`, `staff_profile.verify`. */
export type AuditAction = AuditActionOf<Aggregate>;

const audited = AGGREGATES.filter((aggregate) => aggregate.actions.length > 0) as readonly AggregateDescriptor[];

/**
 * The fields an audit snapshot keeps, per entity type (derived from the aggregates'
 * declarations): a whitelist, so a column added later (or a sensitive one such as a birthdate)
 * never lands in the audit trail by accident.
 */
export const AUDITED_FIELDS: Readonly<Record<AuditEntityType, readonly string[]>> = Object.freeze(
  Object.fromEntries(audited.map((aggregate) => [aggregate.name, aggregate.audited])) as unknown as Record<
    AuditEntityType,
    readonly string[]
  >,
);

/** Every audit action any aggregate records, at run time (see {@link AuditAction}). */
export const AUDIT_ACTIONS: readonly AuditAction[] = Object.freeze(
  (AGGREGATES as readonly AggregateDescriptor[]).flatMap((a) =>
    a.actions.map((action) => `${a.actionPrefix ?? a.name}.${action}` as AuditAction),
  ),
);

/** The entity types of {@link AUDITED_FIELDS}. */
export const AUDIT_ENTITY_TYPES: readonly AuditEntityType[] = Object.freeze(Object.keys(AUDITED_FIELDS) as AuditEntityType[]);

/** Tables isolated per tenant by row-level security (with the column they are isolated by). */
export const TENANT_TABLES: readonly { readonly table: string; readonly tenantColumn: string }[] = Object.freeze(
  AGGREGATES.flatMap((a) => (a.tenantColumn === null ? [] : [{ table: a.table, tenantColumn: a.tenantColumn }])),
);

/** Global tables shared by every organization (readable by the application role, written by the owner). */
export const GLOBAL_TABLES: readonly string[] = Object.freeze(
  AGGREGATES.flatMap((a) => (a.tenantColumn === null ? [a.table] : [])),
);

/**
 * Keeps only the whitelisted fields of `source` for `entityType` (absent fields are omitted);
 * `null` for no source. Dates become ISO strings.
 *
 * @throws ValidationError for an entity type the audit trail does not know, or a `source` that
 *   is not an object, `null` or `undefined`.
 */
export function auditSnapshot(entityType: AuditEntityType, source: object | null | undefined): Record<string, unknown> | null {
  if (typeof entityType !== 'string' || !(AUDIT_ENTITY_TYPES as readonly string[]).includes(entityType)) {
    throw new ValidationError([{ path: 'entityType', message: `must be one of ${AUDIT_ENTITY_TYPES.join(', ')}` }]);
  }
  if (source !== null && source !== undefined && typeof source !== 'object') {
    throw new ValidationError([{ path: 'source', message: 'must be an object, null or undefined' }]);
  }
  return snapshotFields(AUDITED_FIELDS[entityType], source);
}

/** Creates the audit queries over `db` (a Kysely instance or a transaction). */
export function createAuditRepository<D extends DB>(db: Kysely<D>): AuditRepository {
  return createAuditReader(db, AUDIT_ENTITY_TYPES);
}
