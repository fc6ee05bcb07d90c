// The Citus catalog lint (npm run lint:citus): reads a migrated database's catalog and reports
// every way its schema would not distribute by `organization_id` (docs/scaling.md), against
// the distribution plan declared in scripts/citus/distribution-plan.ts.
import type pg from 'pg';
import { DISTRIBUTION, SHARD_KEY, type DistributionPlan } from '../citus/distribution-plan.js';

/** One thing that would not distribute, with the object it is about. */
export interface CitusFinding {
  readonly table: string;
  readonly rule:
    | 'undeclared-table'
    | 'declared-table-missing'
    | 'tenant-column-nullable'
    | 'tenant-column-missing'
    | 'primary-key-without-tenant'
    | 'unique-without-tenant'
    | 'foreign-key-without-tenant'
    | 'reference-to-distributed'
    | 'undeclared-trigger-function'
    | 'trigger-query-without-tenant'
    | 'row-trigger-reads-tables'
    | 'declared-trigger-function-unused'
    | 'pending-fixed';
  readonly object: string;
  readonly message: string;
}

interface TableRow {
  table: string;
  tenant_column_not_null: boolean | null;
}

interface KeyRow {
  table: string;
  name: string;
  kind: 'p' | 'u';
  columns: string[];
}

interface ForeignKeyRow {
  table: string;
  name: string;
  columns: string[];
  referenced_table: string;
  referenced_columns: string[];
}

interface TriggerRow {
  table: string;
  name: string;
  function: string;
  source: string;
}

/** Ordinary and partitioned tables of `public` (partitions follow their parent). */
const TABLES = `
  select c.relname as table,
         (select a.attnotnull from pg_attribute a
           where a.attrelid = c.oid and a.attname = $1 and not a.attisdropped) as tenant_column_not_null
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  order by 1`;

/** Primary keys and every unique index (constraint or not, partial or not). */
const KEYS = `
  select t.relname as table, i.relname as name, case when x.indisprimary then 'p' else 'u' end as kind,
         array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, n)
               join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n) as columns
  from pg_index x
  join pg_class i on i.oid = x.indexrelid
  join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = 'public' and x.indisunique and not t.relispartition and not i.relispartition
  order by 1, 2`;

const FOREIGN_KEYS = `
  select t.relname as table, c.conname as name,
         array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns,
         r.relname as referenced_table,
         array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, n)
               join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n) as referenced_columns
  from pg_constraint c
  join pg_class t on t.oid = c.conrelid
  join pg_class r on r.oid = c.confrelid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = 'public' and c.contype = 'f' and not t.relispartition and c.conparentid = 0
  order by 1, 2`;

const TRIGGERS = `
  select t.relname as table, g.tgname as name, p.proname as function, p.prosrc as source
  from pg_trigger g
  join pg_class t on t.oid = g.tgrelid
  join pg_proc p on p.oid = g.tgfoid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = 'public' and not g.tgisinternal and not t.relispartition
  order by 1, 2`;

/** Runs the lint against the catalog `client` is connected to. */
export async function lintCitus(
  client: pg.Client,
  plan: DistributionPlan = DISTRIBUTION,
): Promise<{ findings: CitusFinding[]; pending: string[] }> {
  const findings: CitusFinding[] = [];
  const tables = (await client.query<TableRow>(TABLES, [SHARD_KEY])).rows;
  const keys = (await client.query<KeyRow>(KEYS)).rows;
  const foreignKeys = (await client.query<ForeignKeyRow>(FOREIGN_KEYS)).rows;
  const triggers = (await client.query<TriggerRow>(TRIGGERS)).rows;

  const kindOf = (table: string) =>
    table in plan.distributed ? 'distributed' : table in plan.reference ? 'reference' : table in plan.local ? 'local' : undefined;
  const present = new Set(tables.map((t) => t.table));
  for (const declared of [...Object.keys(plan.distributed), ...Object.keys(plan.reference), ...Object.keys(plan.local)]) {
    if (!present.has(declared)) {
      findings.push({ table: declared, rule: 'declared-table-missing', object: declared, message: 'declared in scripts/citus/distribution-plan.ts but not in the schema' });
    }
  }

  for (const { table, tenant_column_not_null: notNull } of tables) {
    const kind = kindOf(table);
    if (!kind) {
      findings.push({
        table,
        rule: 'undeclared-table',
        object: table,
        message: `neither distributed, reference nor local: declare it in scripts/citus/distribution-plan.ts`,
      });
      continue;
    }
    if (kind !== 'distributed') continue;
    if (notNull === null) {
      findings.push({ table, rule: 'tenant-column-missing', object: SHARD_KEY, message: `a distributed table needs ${SHARD_KEY}` });
    } else if (!notNull) {
      findings.push({ table, rule: 'tenant-column-nullable', object: SHARD_KEY, message: `${SHARD_KEY} must be NOT NULL: a row without it has no shard` });
    }
  }

  for (const key of keys) {
    if (kindOf(key.table) !== 'distributed' || key.columns.includes(SHARD_KEY)) continue;
    const exception = plan.exceptions[`${key.table}.${key.name}`];
    if (exception) continue;
    findings.push({
      table: key.table,
      rule: key.kind === 'p' ? 'primary-key-without-tenant' : 'unique-without-tenant',
      object: key.name,
      message: `(${key.columns.join(', ')}) lacks ${SHARD_KEY}: Citus enforces uniqueness only within a shard`,
    });
  }

  for (const fk of foreignKeys) {
    const from = kindOf(fk.table);
    const to = kindOf(fk.referenced_table);
    if (from === 'reference' && to === 'distributed') {
      findings.push({ table: fk.table, rule: 'reference-to-distributed', object: fk.name, message: `a reference table cannot reference the distributed ${fk.referenced_table}` });
      continue;
    }
    if (from !== 'distributed' || to !== 'distributed') continue;
    const position = fk.columns.indexOf(SHARD_KEY);
    if (position >= 0 && fk.referenced_columns[position] === SHARD_KEY) continue;
    if (plan.exceptions[`${fk.table}.${fk.name}`]) continue;
    findings.push({
      table: fk.table,
      rule: 'foreign-key-without-tenant',
      object: fk.name,
      message: `(${fk.columns.join(', ')}) → ${fk.referenced_table}(${fk.referenced_columns.join(', ')}) must pair ${SHARD_KEY} with ${SHARD_KEY}`,
    });
  }

  const usedFunctions = new Set<string>();
  for (const { table, name, function: fn, source } of triggers) {
    const kind = kindOf(table);
    if (kind !== 'distributed' && kind !== 'reference') continue;
    usedFunctions.add(fn);
    const declared = plan.triggerFunctions[fn];
    if (!declared) {
      findings.push({ table, rule: 'undeclared-trigger-function', object: `${name} → ${fn}()`, message: 'say in the plan how this trigger function behaves on Citus' });
      continue;
    }
    const statements = statementsNamingTables(source);
    if (declared.behaviour === 'row' && statements.length > 0) {
      findings.push({ table, rule: 'row-trigger-reads-tables', object: `${fn}()`, message: 'declared row-local but reads or writes another table' });
    }
    if (declared.behaviour === 'same-tenant') {
      for (const statement of statements.filter((text) => !text.includes(SHARD_KEY))) {
        findings.push({
          table,
          rule: 'trigger-query-without-tenant',
          object: `${fn}()`,
          message: `a statement without ${SHARD_KEY} (it would go to every shard): ${statement.replace(/\s+/g, ' ').trim().slice(0, 80)}`,
        });
      }
    }
  }
  for (const fn of Object.keys(plan.triggerFunctions)) {
    if (!usedFunctions.has(fn)) {
      findings.push({ table: '-', rule: 'declared-trigger-function-unused', object: fn, message: 'declared in the plan but no distributed or reference table uses it' });
    }
  }
  // Known findings not fixed yet are reported apart; one that no longer occurs must leave the list.
  const open: CitusFinding[] = [];
  const seenPending = new Set<string>();
  for (const finding of findings) {
    const key = `${finding.table}.${finding.object}`;
    if (key in plan.pending) seenPending.add(key);
    else open.push(finding);
  }
  for (const key of Object.keys(plan.pending)) {
    if (!seenPending.has(key)) {
      const [table = key] = key.split('.');
      open.push({ table, rule: 'pending-fixed', object: key, message: 'listed as pending but no longer found: remove it from the plan' });
    }
  }
  return { findings: open, pending: [...seenPending] };
}

/** The statements of a function body that name a table of `public` (`public.x`). */
function statementsNamingTables(source: string): string[] {
  return source.split(';').filter((statement) => /\bpublic\.[a-z_]+/.test(statement));
}

