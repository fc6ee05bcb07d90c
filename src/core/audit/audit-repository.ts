import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../schema/db.js';
import { UuidSchema } from '../kernel/common-schemas.js';
import { parseInput } from '../kernel/parse-input.js';
import { pageLimit, type Page, type PageOptions } from '../kernel/page.js';
import { withErrorMapping } from '../kernel/with-error-mapping.js';
import { auditEntryColumns, type AuditEntry } from './audit-entry.js';
import { asPackageDatabase } from '../kernel/database-type.js';

/** Options of {@link AuditRepository.pageEntityHistory}. */
export interface EntityHistoryOptions extends PageOptions {
  /** Only events at or after this time: lets PostgreSQL skip older monthly partitions. */
  readonly from?: Date;
  /** Only events before this time: lets PostgreSQL skip newer monthly partitions. */
  readonly to?: Date;
}

/** Reads the audit trail. Lists are keyset-paginated on `event_id` (no OFFSET). */
export interface AuditRepository {
  /**
   * One page of an entity's history, oldest event first. Pass `from`/`to` to skip monthly partitions.
   * @throws ValidationError for an entity type no aggregate declares, a bad id or cursor.
   */
  pageEntityHistory(entityType: string, entityId: string, options?: EntityHistoryOptions): Promise<Page<AuditEntry>>;
  /** One page of what a user did, newest event first. */
  pageActorActivity(actorUserId: string, options?: PageOptions): Promise<Page<AuditEntry>>;
  /** @deprecated Renamed {@link AuditRepository.pageEntityHistory} (it returns a page); removed in 1.0. */
  listEntityHistory(entityType: string, entityId: string, options?: EntityHistoryOptions): Promise<Page<AuditEntry>>;
  /** @deprecated Renamed {@link AuditRepository.pageActorActivity}; removed in 1.0. */
  listActorActivity(actorUserId: string, options?: PageOptions): Promise<Page<AuditEntry>>;
}

const MAX_BIGINT = 9223372036854775807n;
const EventCursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'is not a cursor returned by this list')
  .refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT, 'is not a cursor returned by this list');
const DateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

function page(rows: AuditEntry[], limit: number): Page<AuditEntry> {
  const items = rows.slice(0, limit);
  return Object.freeze({ items, nextCursor: rows.length > limit ? (items.at(-1)?.eventId ?? null) : null });
}

/**
 * Creates the audit queries over `db` (a Kysely instance or a transaction), accepting the
 * `entityTypes` the aggregates declare (the root entry binds the package's own).
 */
export function createAuditReader<D extends DB>(database: Kysely<D>, entityTypes: readonly string[]): AuditRepository {
  const db = asPackageDatabase(database);
  const EntityTypeSchema = z.enum(entityTypes as [string, ...string[]]);
  const reader = withErrorMapping({
    async pageEntityHistory(entityType: string, entityId: string, options: EntityHistoryOptions = {}) {
      const type = parseInput(EntityTypeSchema, entityType);
      const id = parseInput(UuidSchema, entityId);
      const limit = pageLimit(options);
      let query = db
        .selectFrom('audit_logs')
        .select(auditEntryColumns)
        .where('audit_logs.entity_type', '=', type)
        .where('audit_logs.entity_id', '=', id);
      if (options.after) query = query.where('audit_logs.event_id', '>', parseInput(EventCursorSchema, options.after));
      if (options.from) query = query.where('audit_logs.created_at', '>=', parseInput(DateSchema, options.from));
      if (options.to) query = query.where('audit_logs.created_at', '<', parseInput(DateSchema, options.to));
      const rows = await query.orderBy('audit_logs.event_id').limit(limit + 1).execute();
      return page(rows, limit);
    },
    async pageActorActivity(actorUserId: string, options: PageOptions = {}) {
      const actor = parseInput(UuidSchema, actorUserId);
      const limit = pageLimit(options);
      let query = db.selectFrom('audit_logs').select(auditEntryColumns).where('audit_logs.actor_user_id', '=', actor);
      if (options.after) query = query.where('audit_logs.event_id', '<', parseInput(EventCursorSchema, options.after));
      const rows = await query.orderBy('audit_logs.event_id', 'desc').limit(limit + 1).execute();
      return page(rows, limit);
    },
  });
  return Object.freeze({
    ...reader,
    listEntityHistory: reader.pageEntityHistory,
    listActorActivity: reader.pageActorActivity,
  });
}
