// The unit repository's statements, compiled once per process (see `compiledQuery`).
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { unitColumns } from './unit.js';

/** The unit with this id. */
export const unitById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('units').select(unitColumns).where('units.id', '=', p.id),
);

/** The unit of the organization with this code. */
export const unitByCode = compiledQuery((db, p: { org: string; code: string }) =>
  db.selectFrom('units').select(unitColumns).where('units.organization_id', '=', p.org).where('units.code', '=', p.code),
);

/** The organization's units, by code. */
export const unitsOfOrganization = compiledQuery((db, p: { org: string }) =>
  db.selectFrom('units').select(unitColumns).where('units.organization_id', '=', p.org).orderBy('units.code'),
);

/** Inserts a unit (`parentUnitId` may be `null`). */
export const insertUnit = compiledQuery(
  (db, p: { organizationId: string; code: string; name: string; parentUnitId: string | null }) =>
    db
      .insertInto('units')
      .values({
        organization_id: p.organizationId,
        code: p.code,
        name: p.name,
        parent_unit_id: p.parentUnitId,
      })
      .returning(unitColumns),
);
