// seedDevData's statements, compiled once per process (see `compiledQuery`). Batches of rows go
// as one array parameter per column (`unnest`), so a statement's text does not depend on the
// batch size.
import { sql } from 'kysely';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';

/** The id of the role with this name. */
export const roleIdByName = compiledQuery((db, p: { name: string }) =>
  db.selectFrom('roles').select('id').where('name', '=', p.name),
);

/** Creates the organization unless a live one has the slug (`settings`: JSON text). */
export const insertSeedOrganization = compiledQuery((db, p: { slug: string; name: string; settings: string }) =>
  db
    .insertInto('organizations')
    .values({ slug: p.slug, name: p.name, settings: p.settings })
    .onConflict((oc) => oc.column('slug').where('deleted_at', 'is', null).doNothing()),
);

/** The id of the live organization with this slug. */
export const liveOrganizationIdBySlug = compiledQuery((db, p: { slug: string }) =>
  db.selectFrom('organizations').select('id').where('slug', '=', p.slug).where('deleted_at', 'is', null),
);

/** Inserts users of the organization (one array element per user), skipping existing ones; the created. */
export const insertSeedUsers = compiledQuery((db, p: { org: string; subjects: string[]; emails: string[] }) => ({
  compile: () =>
    sql<{ id: string; auth_subject: string }>`insert into "users" ("organization_id", "auth_subject", "email")
      select ${p.org}::uuid, t.auth_subject, t.email from unnest(${p.subjects}::text[], ${p.emails}::text[]) as t(auth_subject, email)
      on conflict do nothing returning "id", "auth_subject"`.compile(db),
}));

/** Inserts the profiles of users of the organization (one array element per user). */
export const insertSeedProfiles = compiledQuery(
  (
    db,
    p: { org: string; users: string[]; names: string[]; birthdates: string[]; locales: string[]; zones: string[] },
  ) => ({
    compile: () =>
      sql`insert into "user_profiles" ("user_id", "organization_id", "full_name", "birthdate", "locale", "time_zone")
        select t.user_id, ${p.org}::uuid, t.full_name, t.birthdate, t.locale, t.time_zone
        from unnest(${p.users}::uuid[], ${p.names}::text[], ${p.birthdates}::date[], ${p.locales}::text[], ${p.zones}::text[])
          as t(user_id, full_name, birthdate, locale, time_zone)`.compile(db),
  }),
);

/** Grants the role to users of the organization. */
export const insertSeedUserRoles = compiledQuery((db, p: { org: string; role: string; users: string[] }) => ({
  compile: () =>
    sql`insert into "user_roles" ("user_id", "role_id", "organization_id")
      select t.user_id, ${p.role}::uuid, ${p.org}::uuid from unnest(${p.users}::uuid[]) as t(user_id)`.compile(db),
}));

/** Creates the (draft) staff profiles of users of the organization. */
export const insertSeedStaffProfiles = compiledQuery((db, p: { org: string; users: string[] }) => ({
  compile: () =>
    sql`insert into "user_staff_profiles" ("user_id", "organization_id")
      select t.user_id, ${p.org}::uuid from unnest(${p.users}::uuid[]) as t(user_id)`.compile(db),
}));
