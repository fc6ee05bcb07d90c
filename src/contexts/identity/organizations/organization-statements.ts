// The organization repository's statements, compiled once per process (see `compiledQuery`).
import { sql, type Kysely } from 'kysely';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { DB } from '../../../schema/db.js';
import { organizationColumns } from './organization.js';

const live = (db: Kysely<DB>) =>
  db.selectFrom('organizations').select(organizationColumns).where('organizations.deleted_at', 'is', null);

/** The live organization with this id. */
export const organizationById = compiledQuery((db, p: { id: string }) => live(db).where('organizations.id', '=', p.id));

/** The live organization with this slug. */
export const organizationBySlug = compiledQuery((db, p: { slug: string }) =>
  live(db).where('organizations.slug', '=', p.slug),
);

/** The live organization, locked until the transaction ends (`FOR UPDATE`). */
export const lockLiveOrganization = compiledQuery((db, p: { id: string }) =>
  db
    .selectFrom('organizations')
    .select(organizationColumns)
    .where('id', '=', p.id)
    .where('deleted_at', 'is', null)
    .forUpdate(),
);

/** Inserts an organization; `settings` is the JSON text of the settings document. */
export const insertOrganization = compiledQuery((db, p: { slug: string; name: string; settings: string }) =>
  db
    .insertInto('organizations')
    .values({ slug: p.slug, name: p.name, settings: p.settings })
    .returning(organizationColumns),
);

/** Replaces the settings document (JSON text) of the organization. */
export const updateOrganizationSettings = compiledQuery((db, p: { id: string; settings: string }) =>
  db.updateTable('organizations').set({ settings: p.settings }).where('id', '=', p.id).returning(organizationColumns),
);

/** Sets `deleted_at = now()` on the organization. */
export const softDeleteOrganization = compiledQuery((db, p: { id: string }) =>
  db
    .updateTable('organizations')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', p.id)
    .returning(organizationColumns),
);
