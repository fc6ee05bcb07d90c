// The privileges the application role should hold, read from the migrations themselves (their
// GRANT, REVOKE and org_data_enable_tenant_isolation calls), so a new migration's grants are
// checked without a list to keep in step.
import { splitStatements } from '../../core/migrations/split-statements.js';
import type { Migration } from '../../core/migrations/migration.js';
import { APPLICATION_ROLE } from '../../core/tenancy/tenant-setting.js';

/** The kinds of object a migration grants the application role privileges on. */
type GrantedObjectKind = 'table' | 'column' | 'sequence' | 'function' | 'schema';

/** Privileges on one object, and the migration that granted them last. */
export interface ExpectedGrant {
  readonly kind: GrantedObjectKind;
  /**
   * The object as the migration names it, e.g. `users` or `purge_deleted_documents(timestamptz, integer)`;
   * a column as `table|column` (`GRANT UPDATE (status) ON encryption_keys`: `encryption_keys|status`).
   */
  readonly object: string;
  /** Privilege keywords, upper case, e.g. `SELECT`. */
  readonly privileges: ReadonlySet<string>;
  /** The migration whose statement set them last. */
  readonly migration: string;
}

/** What `ALL [PRIVILEGES]` means per kind (as far as the application role is concerned). */
const ALL: Record<GrantedObjectKind, readonly string[]> = {
  table: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  column: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  sequence: ['USAGE', 'SELECT', 'UPDATE'],
  function: ['EXECUTE'],
  schema: ['USAGE', 'CREATE'],
};

/** The default `app_privileges` of `org_data_enable_tenant_isolation`. */
const TENANT_ISOLATION_DEFAULT = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** Removes `--` comments and collapses white space (statements here hold no quoted `--`). */
function normalize(statement: string): string {
  return statement.replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Splits at commas outside parentheses and string literals: `a, f(x, y), 'b, c'` → `a`, `f(x, y)`, `'b, c'`. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < list.length; i += 1) {
    const ch = list[i];
    // A comma inside a string literal ('SELECT, INSERT') does not split ('' inside one toggles twice).
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts.filter((part) => part !== '');
}

/** A name as the catalog resolves it: unquoted names fold to lower case. */
function objectName(name: string): string {
  return name.startsWith('"') ? name : name.toLowerCase();
}

const GRANT = /^GRANT (.+?) ON (?:(TABLE|SEQUENCE|FUNCTION|SCHEMA) )?(.+) TO (.+)$/i;
const REVOKE = /^REVOKE (.+?) ON (?:(TABLE|SEQUENCE|FUNCTION|SCHEMA) )?(.+) FROM (.+)$/i;
const CALL_ISOLATION = /^CALL org_data_enable_tenant_isolation ?\((.*)\)$/i;

function names(list: string): string[] {
  return splitTopLevel(list).map((role) => role.replace(/^GROUP /i, '').replace(/"/g, '').toLowerCase());
}

function privilegeList(list: string, kind: GrantedObjectKind): string[] {
  const words = splitTopLevel(list).map((word) => word.toUpperCase());
  return words.some((word) => /^ALL( PRIVILEGES)?$/.test(word)) ? [...ALL[kind]] : words;
}

/** A quoted SQL literal's text, `'a''b'` → `a'b`; `undefined` for anything else. */
function literal(text: string | undefined): string | undefined {
  const match = /^'((?:[^']|'')*)'(?:::\w+)?$/.exec(text?.trim() ?? '');
  return match ? (match[1] as string).replace(/''/g, "'") : undefined;
}

/**
 * Reads the application role's privileges from the forward SQL of `migrations`, applied in
 * order: `GRANT … ON [TABLE|SEQUENCE|FUNCTION|SCHEMA] … TO org_data_app` adds,
 * `REVOKE … FROM org_data_app` removes, and `CALL org_data_enable_tenant_isolation('t', …)`
 * sets the table's privileges to its `app_privileges` (default SELECT, INSERT, UPDATE,
 * DELETE; `NONE` for none). Statements inside `DO` blocks, `ALTER DEFAULT PRIVILEGES` (objects
 * created later) and `… IN SCHEMA` forms are not read. Unqualified objects are in `public`.
 */
export function expectedGrants(migrations: readonly Migration[]): ExpectedGrant[] {
  const grants = new Map<string, { kind: GrantedObjectKind; object: string; privileges: Set<string>; migration: string }>();
  const entry = (kind: GrantedObjectKind, object: string, migration: string) => {
    const key = `${kind}:${object}`;
    let found = grants.get(key);
    if (!found) {
      found = { kind, object, privileges: new Set(), migration };
      grants.set(key, found);
    }
    found.migration = migration;
    return found;
  };
  for (const migration of migrations) {
    for (const raw of splitStatements(migration.up.sql)) {
      const statement = normalize(raw);
      const grant = GRANT.exec(statement) ?? REVOKE.exec(statement);
      if (grant) {
        const [, privileges, kindWord, objects, roles] = grant as unknown as [string, string, string | undefined, string, string];
        if (!names(roles.replace(/ (WITH GRANT OPTION|GRANTED BY .*|CASCADE|RESTRICT)$/i, '')).includes(APPLICATION_ROLE)) continue;
        if (/^ALL (TABLES|SEQUENCES|FUNCTIONS|PROCEDURES|ROUTINES) IN SCHEMA /i.test(objects)) continue;
        const kind = (kindWord?.toLowerCase() ?? 'table') as GrantedObjectKind;
        const revoke = statement.toUpperCase().startsWith('REVOKE');
        const list = privilegeList(privileges.replace(/^GRANT OPTION FOR /i, ''), kind);
        for (const object of splitTopLevel(objects)) {
          for (const privilege of list) {
            // A column privilege, `UPDATE (a, b)`: one entry per column.
            const columns = /^(\w+) ?\((.+)\)$/.exec(privilege);
            const targets = columns
              ? splitTopLevel(columns[2] as string).map((column) => ({ target: entry('column', `${objectName(object)}|${objectName(column)}`, migration.name), word: columns[1] as string }))
              : [{ target: entry(kind, objectName(object), migration.name), word: privilege }];
            for (const { target, word } of targets) {
              if (revoke) target.privileges.delete(word);
              else target.privileges.add(word);
            }
          }
        }
        continue;
      }
      const call = CALL_ISOLATION.exec(statement);
      if (call) {
        const args = splitTopLevel(call[1] as string);
        const table = literal(args[0]);
        if (table === undefined) continue;
        const named = args.find((arg) => /^app_privileges ?=>/i.test(arg));
        const positional = args[2] !== undefined && !/=>/.test(args[2]) ? args[2] : undefined;
        const text = named ? literal(named.replace(/^app_privileges ?=> ?/i, '')) : literal(positional);
        const list =
          text === undefined
            ? TENANT_ISOLATION_DEFAULT
            : text.trim().toUpperCase() === 'NONE'
              ? []
              : text.split(',').map((word) => word.trim().toUpperCase());
        const target = entry('table', objectName(table), migration.name);
        target.privileges = new Set(list);
      }
    }
  }
  return [...grants.values()];
}
