import pg from 'pg';
import { afterAll, beforeAll, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
const t = useTestDatabase();
let c: pg.Client;
beforeAll(async () => { c = new pg.Client({ connectionString: t.current.connectionString }); await c.connect(); });
afterAll(async () => { await c.end(); });
const show = (e: any) => { const { code, constraint, table, column, detail, message } = e; console.log(JSON.stringify({ code, constraint, table, column, detail, message })); };
it('probe', async () => {
  console.log(JSON.stringify((await c.query(`select version(), (select datcollate||' '||datctype||' '||datlocprovider::text from pg_database where datname=current_database()) as coll, lower('ÉA') as l`)).rows));
  try { await c.query(`insert into organizations (slug, name) values ('a', null)`); } catch (e) { show(e); }
  try { await c.query(`insert into users (organization_id, auth_subject, email) values (gen_random_uuid(), 'x', 'a@b.c')`); } catch (e) { show(e); }
  console.log(JSON.stringify((await c.query(`select conname, contype, conrelid::regclass::text as t from pg_constraint where connamespace='public'::regnamespace order by 3,1`)).rows));
  console.log(JSON.stringify((await c.query(`select indexrelid::regclass::text as i, indisunique as u from pg_index where indrelid::regclass::text in ('organizations','users','user_profiles','roles','permissions','role_permissions','user_roles')`)).rows));
});
