// The audit reader's statements, compiled once per process (see `compiledShapes`). Shapes are
// built from the names of the options present (a fixed set), never from their values.
import { compiledShapes } from '../kernel/compiled-query.js';
import { auditEntryColumns } from './audit-entry.js';

/** An optional bound of the entity history: the cursor, and the time range. */
export type HistoryBound = 'after' | 'from' | 'to';

/** Every shape key, indexed by the bounds present (after 1, from 2, to 4): no string built per call. */
const HISTORY_SHAPES = ['none', 'after', 'from', 'after,from', 'to', 'after,to', 'from,to', 'after,from,to'] as const;

/** The shape key of an entity-history page with the bounds `present` (those not undefined, in the order after, from, to). */
export function historyShape(present: Readonly<Partial<Record<HistoryBound, unknown>>>): string {
  return HISTORY_SHAPES[
    (present.after !== undefined ? 1 : 0) | (present.from !== undefined ? 2 : 0) | (present.to !== undefined ? 4 : 0)
  ]!;
}

/** Parameters of {@link entityHistoryPage} (bounds only read by the shapes that have them). */
export type EntityHistoryParams = {
  readonly type: string;
  readonly id: string;
  /** The cursor: an `event_id`, as digits. */
  readonly after?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** The page size plus one. */
  readonly limit: number;
};

/** One page (plus one row) of an entity's history, oldest first (see {@link historyShape}). */
export const entityHistoryPage = compiledShapes((db, p: EntityHistoryParams, shape: string) => {
  const bounds = new Set(shape.split(','));
  let query = db
    .selectFrom('audit_logs')
    .select(auditEntryColumns)
    .where('audit_logs.entity_type', '=', p.type)
    .where('audit_logs.entity_id', '=', p.id);
  if (bounds.has('after')) query = query.where('audit_logs.event_id', '>', p.after as string);
  if (bounds.has('from')) query = query.where('audit_logs.created_at', '>=', p.from as Date);
  if (bounds.has('to')) query = query.where('audit_logs.created_at', '<', p.to as Date);
  return query.orderBy('audit_logs.event_id').limit(p.limit);
});

/** One page (plus one row) of what a user did, newest first, from the start or after a cursor. */
export const actorActivityPage = compiledShapes(
  (db, p: { actor: string; after?: string; limit: number }, shape: 'first' | 'after') => {
    let query = db.selectFrom('audit_logs').select(auditEntryColumns).where('audit_logs.actor_user_id', '=', p.actor);
    if (shape === 'after') query = query.where('audit_logs.event_id', '<', p.after as string);
    return query.orderBy('audit_logs.event_id', 'desc').limit(p.limit);
  },
);
