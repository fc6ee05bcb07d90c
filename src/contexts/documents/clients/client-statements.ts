// The client repository's statements, compiled once per process (see `compiledQuery` and
// `compiledShapes`). Shapes are built from field names of fixed lists, never from values.
import { sql, type Kysely, type UpdateObject } from 'kysely';
import { compiledQuery, compiledShapes } from '../../../core/kernel/compiled-query.js';
import type { DB } from '../../../schema/db.js';
import { clientColumns, type Client } from './client.js';

/** A column change of a client: the fields of `update`, the status, or soft delete / restore. */
export type ClientChange = 'name' | 'metadata' | 'manager_user_id' | 'status' | 'delete' | 'restore';

/** Every {@link ClientChange}, in the order of the SET list. */
const CLIENT_CHANGES: readonly ClientChange[] = ['name', 'metadata', 'manager_user_id', 'status', 'delete', 'restore'];

/** The shape key of an update that makes `changes` (in the fixed order, whatever the order given). */
export function clientChangeShape(changes: ReadonlySet<ClientChange>): string {
  return CLIENT_CHANGES.filter((change) => changes.has(change)).join(',');
}

/** Parameters of {@link updateClient}; only the shape's fields are read. */
export type ClientUpdateParams = {
  readonly id: string;
  readonly name?: string;
  /** JSON text of the metadata document. */
  readonly metadata?: string;
  readonly managerUserId?: string | null;
  readonly status?: Client['status'];
  readonly updatedBy: string | null;
};

/**
 * Updates one client row and returns it: the shape (see {@link clientChangeShape}) says which
 * columns it sets, then `updated_by`.
 */
export const updateClient = compiledShapes((db, p: ClientUpdateParams, shape: string) => {
  const changes = new Set(shape.split(','));
  const set: Record<string, unknown> = {};
  if (changes.has('name')) set['name'] = p.name;
  if (changes.has('metadata')) set['metadata'] = p.metadata;
  if (changes.has('manager_user_id')) set['manager_user_id'] = p.managerUserId;
  if (changes.has('status')) set['status'] = p.status;
  if (changes.has('delete')) set['deleted_at'] = sql<Date>`now()`;
  if (changes.has('restore')) set['deleted_at'] = null;
  set['updated_by'] = p.updatedBy;
  return db
    .updateTable('clients')
    .set(set as UpdateObject<DB, 'clients', 'clients'>)
    .where('id', '=', p.id)
    .returning(clientColumns);
});

/** The client (live, or soft-deleted for `deleted`), locked until the transaction ends. */
export const lockClient = compiledShapes((db, p: { id: string }, shape: 'live' | 'deleted') =>
  db
    .selectFrom('clients')
    .select(clientColumns)
    .where('id', '=', p.id)
    .where('deleted_at', shape === 'deleted' ? 'is not' : 'is', null)
    .forUpdate(),
);

/** Parameters of {@link insertClient} (`status` only read by the `status` shape). */
export type ClientInsertParams = {
  readonly organizationId: string;
  readonly code: string;
  readonly name: string;
  readonly status?: Client['status'];
  /** JSON text of the metadata document. */
  readonly metadata: string;
  readonly managerUserId: string | null;
  readonly actor: string | null;
};

/** Inserts a client; the `default` shape leaves the status to the column default. */
export const insertClient = compiledShapes((db, p: ClientInsertParams, shape: 'status' | 'default') =>
  db
    .insertInto('clients')
    .values({
      organization_id: p.organizationId,
      code: p.code,
      name: p.name,
      ...(shape === 'status' ? { status: p.status as Client['status'] } : {}),
      metadata: p.metadata,
      manager_user_id: p.managerUserId,
      created_by: p.actor,
      updated_by: p.actor,
    })
    .returning(clientColumns),
);

/** The live client with this id. */
export const clientById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('clients').select(clientColumns).where('id', '=', p.id).where('deleted_at', 'is', null),
);

const liveOfOrganization = (db: Kysely<DB>, org: string) =>
  db.selectFrom('clients').select(clientColumns).where('clients.organization_id', '=', org).where('clients.deleted_at', 'is', null);

/** The organization's live client with this code. */
export const clientByCode = compiledQuery((db, p: { org: string; code: string }) =>
  liveOfOrganization(db, p.org).where('clients.code', '=', p.code),
);

/** The filter of a client list: none, a status, or a metadata containment. */
export type ClientListFilter = 'all' | 'status' | 'metadata';

/** Parameters of {@link clientPage} (only the shape's fields are read). */
export type ClientPageParams = {
  readonly org: string;
  readonly status?: Client['status'];
  /** JSON text of the containment document. */
  readonly containment?: string;
  readonly afterCode?: string;
  readonly afterId?: string;
  /** The page size plus one. */
  readonly limit: number;
};

/** One page (plus one row) of the organization's live clients by (code, id), filtered, after a cursor or not. */
export const clientPage = compiledShapes(
  (db, p: ClientPageParams, shape: `${ClientListFilter}:${'first' | 'after'}`) => {
    const [filter, cursor] = shape.split(':');
    let query = liveOfOrganization(db, p.org);
    if (filter === 'status') query = query.where('clients.status', '=', p.status as Client['status']);
    if (filter === 'metadata') query = query.where(sql<boolean>`clients.metadata @> ${p.containment}::jsonb`);
    if (cursor === 'after') {
      query = query.where(sql`(clients.code, clients.id)`, '>', sql`(${p.afterCode}, ${p.afterId}::uuid)`);
    }
    return query.orderBy('clients.code').orderBy('clients.id').limit(p.limit);
  },
  // A metadata filter's selectivity varies by orders of magnitude with the caller's document: a
  // generic plan (which PostgreSQL may pick for a prepared statement) walks the organization's
  // clients in code order instead of using clients_metadata_idx, 4× the buffers for a rare value
  // (test/core/plans/generic-plans.test.ts). Those shapes are planned per call.
  { prepared: (shape) => !shape.startsWith('metadata:') },
);
