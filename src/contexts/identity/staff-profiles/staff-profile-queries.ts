import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../schema/db.js';
import { TimestampSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { cursorCodec, pageLimit, TIMESTAMP_PART, toPage, UUID_PART, type Page, type PageOptions } from '../../../core/kernel/page.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { compiledShapes } from '../../../core/kernel/compiled-query.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { staffProfileColumns, type StaffProfile } from './staff-profile.js';

/** Options of {@link StaffProfileQueries.pagePendingQueue}. */
export interface PendingQueueOptions extends PageOptions {
  /** Only profiles of this unit. */
  readonly unitId?: string | null;
}

/** Options of {@link StaffProfileQueries.pageExpiringBefore}. */
export interface ExpiringOptions extends PageOptions {
  /** Only this organization's profiles. */
  readonly organizationId?: string | null;
}

/** The admin's read side of staff profiles. Every list is keyset-paginated (no OFFSET). */
export interface StaffProfileQueries {
  /** One page of the organization's pending profiles, oldest submission first; optionally one unit's. */
  pagePendingQueue(organizationId: string, options?: PendingQueueOptions): Promise<Page<StaffProfile>>;
  /** One page of the profiles a verifier verified (and that are still verified), most recent first. */
  pageVerifiedBy(verifierUserId: string, options?: PageOptions): Promise<Page<StaffProfile>>;
  /** One page of the verified profiles whose verification expires before `date`, soonest first. */
  pageExpiringBefore(date: Date, options?: ExpiringOptions): Promise<Page<StaffProfile>>;
  /** @deprecated Renamed {@link StaffProfileQueries.pagePendingQueue} (it returns a page); removed in 1.0. */
  listPendingQueue(organizationId: string, options?: PendingQueueOptions): Promise<Page<StaffProfile>>;
  /** @deprecated Renamed {@link StaffProfileQueries.pageVerifiedBy}; removed in 1.0. */
  listVerifiedBy(verifierUserId: string, options?: PageOptions): Promise<Page<StaffProfile>>;
  /** @deprecated Renamed {@link StaffProfileQueries.pageExpiringBefore}; removed in 1.0. */
  listExpiringBefore(date: Date, options?: ExpiringOptions): Promise<Page<StaffProfile>>;
}

type Keyed = StaffProfile & { cursorAt: string };

const strip = ({ cursorAt: _, ...profile }: Keyed): StaffProfile => profile;
/** (timestamp, user id): the keyset position of every staff-profile list. */
const PROFILE_CURSOR = cursorCodec([TIMESTAMP_PART, UUID_PART]);
const DateSchema = TimestampSchema;

type ListParams = { readonly limit: number; readonly afterAt?: string; readonly afterId?: string };
/** Which optional conditions a list has: a filter, a cursor, both, neither. */
type ListShape = 'all' | 'filtered' | 'after' | 'filtered+after';
const listShape = (filtered: boolean, after: boolean): ListShape =>
  filtered ? (after ? 'filtered+after' : 'filtered') : after ? 'after' : 'all';

const profiles = (db: Kysely<DB>) =>
  db
    .selectFrom('user_staff_profiles')
    .innerJoin('users', 'users.id', 'user_staff_profiles.user_id')
    .where('users.deleted_at', 'is', null);

// Every list compiled once per shape (filter present or not, cursor present or not).
const pendingQueue = compiledShapes((db, p: ListParams & { org: string; unit?: string }, shape: ListShape) => {
  let query = profiles(db)
    .select([...staffProfileColumns, sql<string>`user_staff_profiles.verification_submitted_at::text`.as('cursorAt')])
    .where('user_staff_profiles.organization_id', '=', p.org)
    // A literal, not a parameter: the partial index is `WHERE … = 'pending'`, and a generic
    // plan (prepared statements, a pooler) could not use it for `= $n`.
    .where('user_staff_profiles.profile_verification_status', '=', sql.lit('pending'));
  if (shape.startsWith('filtered')) query = query.where('user_staff_profiles.unit_id', '=', p.unit!);
  if (shape.endsWith('after')) {
    query = query.where(
      sql`(user_staff_profiles.verification_submitted_at, user_staff_profiles.user_id)`,
      '>',
      sql`(${p.afterAt}::timestamptz, ${p.afterId}::uuid)`,
    );
  }
  return query
    .orderBy('user_staff_profiles.verification_submitted_at')
    .orderBy('user_staff_profiles.user_id')
    .limit(p.limit);
});

const verifiedBy = compiledShapes((db, p: ListParams & { verifier: string }, shape: 'all' | 'after') => {
  let query = profiles(db)
    .select([...staffProfileColumns, sql<string>`user_staff_profiles.verified_at::text`.as('cursorAt')])
    .where('user_staff_profiles.verified_by_user_id', '=', p.verifier);
  if (shape === 'after') {
    query = query.where(
      sql`(user_staff_profiles.verified_at, user_staff_profiles.user_id)`,
      '<',
      sql`(${p.afterAt}::timestamptz, ${p.afterId}::uuid)`,
    );
  }
  return query
    .orderBy('user_staff_profiles.verified_at', 'desc')
    .orderBy('user_staff_profiles.user_id', 'desc')
    .limit(p.limit);
});

const expiring = compiledShapes((db, p: ListParams & { before: Date; org?: string }, shape: ListShape) => {
  let query = profiles(db)
    .select([...staffProfileColumns, sql<string>`user_staff_profiles.verification_expires_at::text`.as('cursorAt')])
    .where('user_staff_profiles.verification_expires_at', '<', p.before);
  if (shape.startsWith('filtered')) query = query.where('user_staff_profiles.organization_id', '=', p.org!);
  if (shape.endsWith('after')) {
    query = query.where(
      sql`(user_staff_profiles.verification_expires_at, user_staff_profiles.user_id)`,
      '>',
      sql`(${p.afterAt}::timestamptz, ${p.afterId}::uuid)`,
    );
  }
  return query
    .orderBy('user_staff_profiles.verification_expires_at')
    .orderBy('user_staff_profiles.user_id')
    .limit(p.limit);
});

/** The cursor's parameters, when there is one. */
function cursorParams(after: string | null | undefined): { afterAt?: string; afterId?: string } {
  if (!after) return {};
  const [afterAt, afterId] = PROFILE_CURSOR.decode(after);
  return { afterAt: afterAt!, afterId: afterId! };
}

/** Creates the staff-profile admin queries over `db` (a Kysely instance or a transaction). */
export function createStaffProfileQueries<D extends DB>(database: Kysely<D>): StaffProfileQueries {
  const db = asPackageDatabase(database);
  const page = (rows: Keyed[], limit: number) => toPage(rows, limit, (row) => [row.cursorAt, row.userId], strip);

  const queries = withErrorMapping({
    // None of the three is async (see users.findById): the page is made with one `then` on the
    // statement's promise; a refused argument throws here and the error mapping turns it into a
    // rejection.
    pagePendingQueue(organizationId: string, options: PendingQueueOptions = {}): Promise<Page<StaffProfile>> {
      options = optionsArgument(options);
      const org = parseInput(UuidSchema, organizationId, 'organizationId');
      const unit = options.unitId == null ? null : parseInput(UuidSchema, options.unitId, 'options.unitId');
      const limit = pageLimit(options);
      const cursor = cursorParams(options.after);
      const shape = listShape(unit !== null, cursor.afterAt !== undefined);
      return pendingQueue(db, shape, { org, limit: limit + 1, ...(unit ? { unit } : {}), ...cursor }).then((rows) =>
        page(rows satisfies Keyed[], limit),
      );
    },
    pageVerifiedBy(verifierUserId: string, options: PageOptions = {}): Promise<Page<StaffProfile>> {
      options = optionsArgument(options);
      const verifier = parseInput(UuidSchema, verifierUserId, 'verifierUserId');
      const limit = pageLimit(options);
      const cursor = cursorParams(options.after);
      const shape = cursor.afterAt === undefined ? 'all' : 'after';
      return verifiedBy(db, shape, { verifier, limit: limit + 1, ...cursor }).then((rows) => page(rows satisfies Keyed[], limit));
    },
    pageExpiringBefore(date: Date, options: ExpiringOptions = {}): Promise<Page<StaffProfile>> {
      options = optionsArgument(options);
      const before = parseInput(DateSchema, date, 'date');
      const org = options.organizationId == null ? null : parseInput(UuidSchema, options.organizationId, 'options.organizationId');
      const limit = pageLimit(options);
      const cursor = cursorParams(options.after);
      const shape = listShape(org !== null, cursor.afterAt !== undefined);
      return expiring(db, shape, { before, limit: limit + 1, ...(org ? { org } : {}), ...cursor }).then((rows) =>
        page(rows satisfies Keyed[], limit),
      );
    },
  });
  return Object.freeze({
    ...queries,
    listPendingQueue: queries.pagePendingQueue,
    listVerifiedBy: queries.pageVerifiedBy,
    listExpiringBefore: queries.pageExpiringBefore,
  });
}
