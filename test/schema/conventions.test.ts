// Walks pg_catalog of a migrated database and fails on any break of the schema conventions.
// Every table, now and later, is covered: new migrations are checked without editing this file.
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { TRACKING_TABLE } from '../../src/core/migrations/tracking-table.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema conventions', () => {
  const testDb = useTestDatabase();
  let executor: Kysely<any> | undefined;
  const query = async <T>(text: ReturnType<typeof sql<T>>) =>
    (await text.execute(executor ?? testDb.current.db)).rows;

  interface Column {
    table: string;
    column: string;
    type: string;
    notNull: boolean;
    defaultExpr: string | null;
  }
  const columns = () =>
    query(sql<Column>`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "defaultExpr"
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> ${TRACKING_TABLE}
      ORDER BY 1, 2`);

  it('finds the tables it checks', async () => {
    const tables = new Set((await columns()).map((c) => c.table));
    expect([...tables]).toEqual(
      expect.arrayContaining(['organizations', 'users', 'user_profiles', 'roles', 'permissions', 'role_permissions', 'user_roles']),
    );
  });

  // Supporting: an index whose leading columns are exactly the FK's columns (in any order), or
  // a unique index whose columns all belong to the FK (one row per key). The index may be
  // partial only as `WHERE <a fk column> IS NOT NULL`, which every FK lookup satisfies (a key
  // with a NULL column is not checked: MATCH SIMPLE).
  const foreignKeysWithoutIndex = () =>
    query(sql<{ constraint: string }>`
      SELECT con.conname AS constraint
      FROM pg_constraint con
      JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i
          WHERE i.indrelid = con.conrelid
            AND (
              i.indpred IS NULL
              OR pg_get_expr(i.indpred, i.indrelid) IN (
                    SELECT '(' || attname || ' IS NOT NULL)' FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = ANY (con.conkey))
            )
            AND (
              (SELECT array_agg(k ORDER BY k) FROM unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) k)
                = (SELECT array_agg(k ORDER BY k) FROM unnest(con.conkey) k)
              OR (i.indisunique AND (i.indkey::int2[])[0:i.indnkeyatts - 1] <@ con.conkey)
            )
        )
      ORDER BY 1`);

  it('the checks below detect a table that breaks them', async () => {
    await testDb.current.db
      .transaction()
      .execute(async (trx) => {
        executor = trx;
        await sql`CREATE TABLE bad_things (
          id uuid PRIMARY KEY, organization_id uuid REFERENCES organizations (id),
          label varchar(10), seen timestamp)`.execute(trx);
        expect(await foreignKeysWithoutIndex()).toEqual([{ constraint: 'bad_things_organization_id_fkey' }]);
        const bad = (await columns()).filter((c) => c.table === 'bad_things').map((c) => `${c.column} ${c.type}`);
        expect(bad).toEqual(expect.arrayContaining(['label character varying(10)', 'seen timestamp without time zone']));
        throw new Error('rollback');
      })
      .catch((error: Error) => {
        if (error.message !== 'rollback') throw error;
      })
      .finally(() => {
        executor = undefined;
      });
  });

  it('every foreign key has a supporting index', async () => {
    expect(await foreignKeysWithoutIndex()).toEqual([]);
  });

  it('every timestamp column is timestamptz', async () => {
    const naive = (await columns()).filter((c) => c.type.startsWith('timestamp without time zone') || c.type.startsWith('time without'));
    expect(naive).toEqual([]);
  });

  it('every table has created_at and updated_at timestamptz NOT NULL DEFAULT now(), kept by a trigger', async () => {
    const all = await columns();
    const tables = [...new Set(all.map((c) => c.table))];
    const problems: string[] = [];
    for (const table of tables) {
      for (const name of ['created_at', 'updated_at']) {
        const column = all.find((c) => c.table === table && c.column === name);
        if (!column) problems.push(`${table}.${name} missing`);
        else if (column.type !== 'timestamp with time zone' || !column.notNull || column.defaultExpr !== 'now()') {
          problems.push(`${table}.${name} is ${column.type} notNull=${column.notNull} default=${column.defaultExpr}`);
        }
      }
    }
    // Append-only tables (a trigger rejects every UPDATE) need no set_updated_at trigger.
    const triggers = await query(sql<{ table: string }>`
      SELECT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE (p.proname = 'set_updated_at' OR p.proname LIKE '%\_reject\_change') AND NOT t.tgisinternal`);
    const withTrigger = new Set(triggers.map((t) => t.table));
    for (const table of tables) if (!withTrigger.has(table)) problems.push(`${table} has no set_updated_at trigger`);
    expect(problems).toEqual([]);
  });

  it('no column is varchar(n) or char(n): text plus a CHECK instead', async () => {
    const bounded = (await columns()).filter((c) => /^(character varying|character)\(/.test(c.type));
    expect(bounded).toEqual([]);
  });

  it('no arrays of ids (foreign keys belong in junction tables)', async () => {
    const arrays = (await columns()).filter((c) => c.type === 'uuid[]' || (c.type.endsWith('[]') && c.column.endsWith('_ids')));
    expect(arrays).toEqual([]);
  });

  it('names: snake_case plural tables, snake_case columns, is_* booleans, *_id/*_by/*_code foreign keys', async () => {
    const all = await columns();
    const problems: string[] = [];
    for (const table of new Set(all.map((c) => c.table))) {
      if (!/^[a-z][a-z0-9_]*s$/.test(table)) problems.push(`table ${table}`);
    }
    for (const c of all) {
      if (!/^[a-z][a-z0-9_]*$/.test(c.column)) problems.push(`column ${c.table}.${c.column}`);
      if (c.type === 'boolean' && !c.column.startsWith('is_')) problems.push(`boolean ${c.table}.${c.column}`);
    }
    const fkColumns = await query(sql<{ table: string; column: string; partitionKey: boolean }>`
      SELECT c.relname AS table, a.attname AS column,
        -- A foreign key to a partitioned table must include its partition key (created_at).
        EXISTS (SELECT 1 FROM pg_partitioned_table pt
                WHERE pt.partrelid = con.confrelid AND r.attnum = ANY (pt.partattrs::int2[]))
          AS "partitionKey"
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(own, referenced)
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.own
      JOIN pg_attribute r ON r.attrelid = con.confrelid AND r.attnum = k.referenced
      -- Declared keys only, not the copies PostgreSQL makes for each partition.
      WHERE con.contype = 'f' AND con.conparentid = 0`);
    for (const fk of fkColumns) {
      // *_code references a lookup table's natural key (academic_titles.code).
      if (!/(_id|_by|_code)$/.test(fk.column) && !fk.partitionKey) problems.push(`fk ${fk.table}.${fk.column}`);
    }
    expect(problems).toEqual([]);
  });

  it('primary keys: uuid with gen_random_uuid(), a lookup code, a parent id, junction keys, identity + partition key, or uuid + partition key; organization_id in every tenant table\'s key', async () => {
    const pks = await query(sql<{ table: string; columns: string[]; types: string[]; defaults: (string | null)[] }>`
      SELECT c.relname AS table,
             array_agg(a.attname::text ORDER BY a.attnum) AS columns,
             array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types,
             array_agg(pg_get_expr(d.adbin, d.adrelid) ORDER BY a.attnum) AS defaults
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE con.contype = 'p' AND n.nspname = 'public' AND c.relname <> ${TRACKING_TABLE}
      GROUP BY c.relname`);
    // A tenant table's key carries organization_id (Citus's shard key, docs/scaling.md); the rules
    // below look at the key without it.
    const withoutTenant = pks.map((pk) => {
      const keep = pk.columns.map((column) => column !== 'organization_id');
      return {
        table: pk.table,
        tenant: keep.includes(false),
        columns: pk.columns.filter((_, k) => keep[k]),
        types: pk.types.filter((_, k) => keep[k]),
        defaults: pk.defaults.filter((_, k) => keep[k]),
      };
    });
    const problems = withoutTenant.filter((pk) => {
      if (pk.columns.length > 1) {
        // Partitioned append-only tables: a bigint identity plus the partition key.
        if (pk.columns.join() === 'event_id,created_at') return pk.types[0] !== 'bigint';
        // Partitioned tenant tables with a public uuid: the uuid and the partition key
        // (domain_events).
        if (pk.columns.join() === 'id,created_at') return pk.types[0] !== 'uuid' || pk.defaults[0] !== 'gen_random_uuid()';
        // A queue keyed by its event's key, time first (outbox_messages: the claim order).
        if (pk.columns.join() === 'event_created_at,event_id') return pk.types.join() !== 'timestamp with time zone,uuid';
        // Junctions: foreign keys only (ids, or the code of a lookup table such as event_types).
        return !pk.columns.every((col) => col.endsWith('_id') || col.endsWith('_code'));
      }
      const [column, type, def] = [pk.columns[0], pk.types[0], pk.defaults[0]];
      if (column === 'id') return type !== 'uuid' || def !== 'gen_random_uuid()';
      if (column === 'code') return type !== 'text'; // lookup tables: the code is the key
      return !column?.endsWith('_id'); // 1:1 child keyed by its parent, e.g. user_profiles.user_id
    });
    expect(problems).toEqual([]);
    // Every tenant table's key includes organization_id, but the one the Citus plan lists as an
    // exception until services leave 0.11 (scripts/citus/distribution-plan.ts).
    const tenantTables = new Set((await columns()).filter((c) => c.column === 'organization_id').map((c) => c.table));
    const keyWithoutTenant = withoutTenant.filter((pk) => tenantTables.has(pk.table) && !pk.tenant).map((pk) => pk.table);
    expect(keyWithoutTenant.sort()).toEqual(['user_roles']);
    expect(problems).toEqual([]);
  });
});
