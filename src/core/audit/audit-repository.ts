import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../schema/db.js';
import { UuidSchema } from '../kernel/common-schemas.js';
import { parseInput } from '../kernel/parse-input.js';
import { pageLimit, type Page, type PageOptions } from '../kernel/page.js';
import { withErrorMapping } from '../kernel/with-error-mapping.js';
import { auditEntryColumns, type AuditEntry } from './audit-entry.js';
import { AUDITED_FIELDS } from './audit-snapshots.js';

/** Options of {@link AuditRepository.listEntityHistory}. */
export interface EntityHistoryOptions extends PageOptions {
  /** Only events at or after this time: lets PostgreSQL skip older monthly partitions. */
  readonly from?: Date;
  /** Only events before this time: lets PostgreSQL skip newer monthly partitions. */
  readonly to?: Date;
}

/** Reads the audit trail. Lists are keyset-paginated on `event_id` (no OFFSET). */
export interface AuditRepository {
  /** An entity's history, oldest event first. */
  listEntityHistory(entityType: string, entityId: string, options?: EntityHistoryOptions): Promise<Page<AuditEntry>>;
  /** What a user did, newest event first. */
  listActorActivity(actorUserId: string, options?: PageOptions): Promise<Page<AuditEntry>>;
}

const EntityTypeSchema = z.enum(Object.keys(AUDITED_FIELDS) as [string, ...string[]]);
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

/** Creates the audit queries over `db`. */
export function createAuditRepository(db: Kysely<DB>): AuditRepository {
  return withErrorMapping({
    async listEntityHistory(entityType: string, entityId: string, options: EntityHistoryOptions = {}) {
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
      return page(rows as AuditEntry[], limit);
    },
    async listActorActivity(actorUserId: string, options: PageOptions = {}) {
      const actor = parseInput(UuidSchema, actorUserId);
      const limit = pageLimit(options);
      let query = db.selectFrom('audit_logs').select(auditEntryColumns).where('audit_logs.actor_user_id', '=', actor);
      if (options.after) query = query.where('audit_logs.event_id', '<', parseInput(EventCursorSchema, options.after));
      const rows = await query.orderBy('audit_logs.event_id', 'desc').limit(limit + 1).execute();
      return page(rows as AuditEntry[], limit);
    },
  });
}
