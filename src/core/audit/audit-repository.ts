import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../schema/db.js';
import { UuidSchema } from '../kernel/common-schemas.js';
import { acceptsAsIs, parseInput } from '../kernel/parse-input.js';
import { pageLimit, type Page, type PageOptions } from '../kernel/page.js';
import { withErrorMapping } from '../kernel/with-error-mapping.js';
import type { AuditEntry } from './audit-entry.js';
import { actorActivityPage, entityHistoryPage, historyShape } from './audit-statements.js';
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
export const DateSchema = acceptsAsIs(
  z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
  (input) => input instanceof Date && !Number.isNaN(input.getTime()),
);

/** The schema of the entity types of each list given to {@link createAuditReader}, built once per list. */
const entityTypeSchemas = new WeakMap<readonly string[], z.ZodType<string>>();
function entityTypeSchema(entityTypes: readonly string[]): z.ZodType<string> {
  let schema = entityTypeSchemas.get(entityTypes);
  if (!schema) {
    const known = new Set(entityTypes);
    schema = acceptsAsIs(z.enum(entityTypes as [string, ...string[]]), (input) => typeof input === 'string' && known.has(input));
    entityTypeSchemas.set(entityTypes, schema);
  }
  return schema;
}

/**
 * The page of `rows` (fetched `limit + 1`, a fresh array from the driver): the rows themselves
 * when there are at most `limit` of them (no copy), else the first `limit`.
 */
function page(rows: AuditEntry[], limit: number): Page<AuditEntry> {
  if (rows.length <= limit) return Object.freeze({ items: rows, nextCursor: null });
  const items = rows.slice(0, limit);
  return Object.freeze({ items, nextCursor: items[limit - 1]!.eventId });
}

/**
 * Creates the audit queries over `db` (a Kysely instance or a transaction), accepting the
 * `entityTypes` the aggregates declare (the root entry binds the package's own).
 */
export function createAuditReader<D extends DB>(database: Kysely<D>, entityTypes: readonly string[]): AuditRepository {
  const db = asPackageDatabase(database);
  const EntityTypeSchema = entityTypeSchema(entityTypes);
  const reader = withErrorMapping({
    // Not async: the page comes from the statement's promise (no frame of its own); a refused
    // argument throws here, and the error mapping turns it into a rejected promise.
    pageEntityHistory(entityType: string, entityId: string, options: EntityHistoryOptions = {}): Promise<Page<AuditEntry>> {
      const type = parseInput(EntityTypeSchema, entityType);
      const id = parseInput(UuidSchema, entityId);
      const limit = pageLimit(options);
      // One object of one hidden class whatever the bounds (an absent bound is undefined).
      const params = {
        type,
        id,
        limit: limit + 1,
        after: options.after ? parseInput(EventCursorSchema, options.after) : undefined,
        from: options.from ? parseInput(DateSchema, options.from) : undefined,
        to: options.to ? parseInput(DateSchema, options.to) : undefined,
      };
      return entityHistoryPage(db, historyShape(params), params).then((rows) => page(rows, limit));
    },
    pageActorActivity(actorUserId: string, options: PageOptions = {}): Promise<Page<AuditEntry>> {
      const actor = parseInput(UuidSchema, actorUserId);
      const limit = pageLimit(options);
      const fetched = options.after
        ? actorActivityPage(db, 'after', { actor, after: parseInput(EventCursorSchema, options.after), limit: limit + 1 })
        : actorActivityPage(db, 'first', { actor, limit: limit + 1 });
      return fetched.then((rows) => page(rows, limit));
    },
  });
  // Named keys first (on Node 20 an object that starts with a spread gets a hidden class of its own).
  return Object.freeze({
    pageEntityHistory: reader.pageEntityHistory,
    pageActorActivity: reader.pageActorActivity,
    listEntityHistory: reader.pageEntityHistory,
    listActorActivity: reader.pageActorActivity,
  });
}
