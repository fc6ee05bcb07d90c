// The statements of an aggregate with numbered, immutable versions of a definition (forms and
// workflows): the parent row (slug, status, latest and published version numbers, soft delete)
// and its versions (one draft, published ones immutable — the migrations' triggers enforce it).
// One implementation for every such pair of tables, compiled once per process per pair.
import { sql, type RawBuilder } from 'kysely';
import { compilableSql } from '../audit/audit-sql.js';
import { ValidationError } from '../errors/validation-error.js';
import { compiledQuery } from '../kernel/compiled-query.js';

/** The tables of a versioned aggregate, e.g. `forms` / `form_versions` / `form_id` / `formId`. */
export interface VersionedTables {
  /** The parent table (`forms`). */
  readonly parent: string;
  /** The versions table (`form_versions`). */
  readonly versions: string;
  /** The versions' column naming the parent (`form_id`). */
  readonly parentKey: string;
  /** The field it maps to in a version object (`formId`). */
  readonly parentKeyField: string;
}

/** A parent row as the statements return it (`to_jsonb` of the row, then mapped by {@link parentOfRow}). */
export interface VersionedParentRow {
  readonly id: string;
  readonly organization_id: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string | null;
  readonly status: string;
  readonly latest_version: number;
  readonly published_version: number | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly deleted_at: string | null;
}

/** A parent as the package returns it (forms and workflows have these fields). */
export interface VersionedParent {
  readonly id: string;
  readonly organizationId: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string | null;
  readonly status: string;
  readonly latestVersion: number;
  readonly publishedVersion: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A parent row as JSON → the parent object. */
export function parentOfRow<P extends VersionedParent>(row: VersionedParentRow): P {
  return {
    id: row.id,
    organizationId: row.organization_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    latestVersion: row.latest_version,
    publishedVersion: row.published_version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  } as P;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const FIELD = /^[a-z][A-Za-z0-9]*$/;

/**
 * The statements of one versioned aggregate. `P`: the parent object, `V`: a version with its
 * definition, `S`: a version without it. Table and column names come from the package's code,
 * never from input (checked here anyway).
 */
export function versionedStatements<P extends VersionedParent, V extends S & { readonly definition: unknown }, S extends object>(tables: VersionedTables) {
  for (const name of [tables.parent, tables.versions, tables.parentKey]) if (!IDENTIFIER.test(name)) throw new ValidationError([{ path: 'tables', message: 'must name tables and columns' }]);
  if (!FIELD.test(tables.parentKeyField)) throw new ValidationError([{ path: 'tables.parentKeyField', message: 'must be a field name' }]);
  const parent = sql.raw(tables.parent);
  const versions = sql.raw(tables.versions);
  const key = sql.raw(tables.parentKey);
  const PARENT = sql`id, organization_id AS "organizationId", slug, name, description, status, latest_version AS "latestVersion",
    published_version AS "publishedVersion", created_at AS "createdAt", updated_at AS "updatedAt"`;
  const summary = (alias: string): RawBuilder<unknown> => {
    const a = sql.raw(alias === '' ? '' : `${alias}.`);
    return sql`${a}id, ${a}organization_id AS "organizationId", ${a}${key} AS ${sql.raw(`"${tables.parentKeyField}"`)}, ${a}version,
      ${a}definition_sha256 AS "definitionSha256", ${a}revision, ${a}is_published AS "isPublished", ${a}published_at AS "publishedAt",
      ${a}published_by AS "publishedBy", ${a}created_by AS "createdBy", ${a}created_at AS "createdAt", ${a}updated_at AS "updatedAt"`;
  };

  return Object.freeze({
    /** Makes a live parent (no version yet: {@link insertVersion} numbers the first 1). */
    insertParent: compiledQuery((db, p: { organizationId: string; slug: string; name: string; description: string | null }) =>
      compilableSql(
        db,
        sql<P>`INSERT INTO ${parent} (organization_id, slug, name, description)
          VALUES (${p.organizationId}::uuid, ${p.slug}::text, ${p.name}::text, ${p.description}::text) RETURNING ${PARENT}`,
      ),
    ),

    /**
     * Makes the parent's next version, a draft numbered latest + 1. Takes the live parent's row
     * first (FOR UPDATE), so of concurrent callers the later ones wait, then number after the
     * winner's draft and are refused by the one-draft index. Nothing when the parent is not live.
     */
    insertVersion: compiledQuery((db, p: { parentId: string; definition: string; sha256: string; createdBy: string | null }) =>
      compilableSql(
        db,
        sql<V>`
          WITH f AS (
            SELECT organization_id, id, latest_version FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL FOR UPDATE
          )
          INSERT INTO ${versions} (organization_id, ${key}, version, definition, definition_sha256, created_by)
          SELECT f.organization_id, f.id, f.latest_version + 1, ${p.definition}::jsonb, ${p.sha256}::text, ${p.createdBy}::uuid FROM f
          RETURNING ${summary('')}, definition`,
      ),
    ),

    /**
     * Replaces the definition of the draft numbered `version`, at the expected revision when one
     * is given (`null`: any), and adds 1 to its revision. Always one row when the live parent has
     * that version: the draft after (`null` when nothing changed), and the version's sha256,
     * revision and published flag before. The version's row is taken first, so a caller that
     * waited for another edit reads the revision it left.
     */
    updateDraftDefinition: compiledQuery(
      (db, p: { parentId: string; version: number; definition: string; sha256: string; expectedRevision: number | null }) =>
        compilableSql(
          db,
          sql<{ after: V | null; previousSha256: string; previousRevision: number; isPublished: boolean }>`
            WITH before AS (
              SELECT v.id, v.definition_sha256, v.revision, v.is_published FROM ${versions} v JOIN ${parent} f ON f.id = v.${key} AND f.deleted_at IS NULL
              WHERE v.${key} = ${p.parentId}::uuid AND v.version = ${p.version}::int
              FOR NO KEY UPDATE OF v
            ), u AS (
              UPDATE ${versions} v SET definition = ${p.definition}::jsonb, definition_sha256 = ${p.sha256}::text, revision = v.revision + 1
              FROM before WHERE v.id = before.id AND NOT before.is_published
                AND (${p.expectedRevision}::int IS NULL OR before.revision = ${p.expectedRevision}::int)
              RETURNING ${summary('v')}, v.definition
            )
            SELECT (SELECT to_jsonb(u) FROM u) AS after, before.definition_sha256 AS "previousSha256", before.revision AS "previousRevision",
              before.is_published AS "isPublished"
            FROM before`,
        ),
    ),

    /**
     * Publishes the draft `version` of a live parent whose status is one of `states` and whose
     * published version is `expected` (`null`: none): the version becomes published and the
     * parent points at it, in one statement. The parent's row is taken first, so of two
     * publishers the second waits and then finds the published version changed. Always one row:
     * the parent before (`null` when not live), the parent after and the version (both `null`
     * when nothing changed); the caller names a refusal from the parent before and a fresh read
     * of the version.
     */
    publishVersion: compiledQuery(
      (db, p: { parentId: string; version: number; expected: number | null; expectedRevision: number | null; states: readonly string[]; publishedBy: string | null }) =>
        compilableSql(
          db,
          sql<{ before: VersionedParentRow | null; after: VersionedParentRow | null; published: S | null }>`
            WITH f AS (
              SELECT * FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
            ), v AS (
              UPDATE ${versions} SET is_published = true, published_at = now(), published_by = ${p.publishedBy}::uuid
              FROM f
              WHERE ${versions}.${key} = f.id AND ${versions}.version = ${p.version}::int AND NOT ${versions}.is_published
                AND (${p.expectedRevision}::int IS NULL OR ${versions}.revision = ${p.expectedRevision}::int)
                AND f.status = ANY (${p.states}::text[]) AND f.published_version IS NOT DISTINCT FROM ${p.expected}::int
              RETURNING ${versions}.*
            ), u AS (
              UPDATE ${parent} SET status = 'published', published_version = v.version FROM v WHERE ${parent}.id = v.${key}
              RETURNING ${parent}.*
            )
            SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after,
              (SELECT to_jsonb(s) FROM (SELECT ${summary('v')} FROM v) s) AS published`,
        ),
    ),

    /**
     * Points a live parent whose status is one of `states` and whose published version is
     * `expected` at its other published version `to`. Always one row: the parent before (`null`
     * when not live), after (`null` when nothing changed), and whether `to` is a published version.
     */
    repoint: compiledQuery((db, p: { parentId: string; to: number; expected: number; states: readonly string[] }) =>
      compilableSql(
        db,
        sql<{ before: VersionedParentRow | null; after: VersionedParentRow | null; targetIsPublished: boolean }>`
          WITH f AS (
            SELECT * FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
          ), target AS (
            SELECT EXISTS (SELECT 1 FROM ${versions} WHERE ${key} = ${p.parentId}::uuid AND version = ${p.to}::int AND is_published) AS ok
          ), u AS (
            UPDATE ${parent} SET published_version = ${p.to}::int FROM f, target
            WHERE ${parent}.id = f.id AND target.ok AND f.status = ANY (${p.states}::text[])
              AND f.published_version = ${p.expected}::int AND ${p.to}::int <> ${p.expected}::int
            RETURNING ${parent}.*
          )
          SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after, (SELECT ok FROM target) AS "targetIsPublished"`,
      ),
    ),

    /** Moves a live parent whose status is one of `from` to `to`: before (`null` when not live) and after (`null` when nothing changed). */
    changeStatus: compiledQuery((db, p: { parentId: string; from: readonly string[]; to: string }) =>
      compilableSql(
        db,
        sql<{ before: VersionedParentRow | null; after: VersionedParentRow | null }>`
          WITH f AS (
            SELECT * FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
          ), u AS (
            UPDATE ${parent} SET status = ${p.to}::text FROM f WHERE ${parent}.id = f.id AND f.status = ANY (${p.from}::text[])
            RETURNING ${parent}.*
          )
          SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after`,
      ),
    ),

    /** Renames / redescribes a live parent; before and after (nothing when not live). */
    updateParent: compiledQuery((db, p: { parentId: string; name: string | null; description: string | null; setDescription: boolean }) =>
      compilableSql(
        db,
        sql<{ before: VersionedParentRow; after: VersionedParentRow }>`
          WITH f AS (
            SELECT * FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
          ), u AS (
            UPDATE ${parent} SET name = coalesce(${p.name}::text, f.name),
              description = CASE WHEN ${p.setDescription}::boolean THEN ${p.description}::text ELSE f.description END
            FROM f WHERE ${parent}.id = f.id
            RETURNING ${parent}.*
          )
          SELECT to_jsonb(f) AS before, to_jsonb(u) AS after FROM f, u`,
      ),
    ),

    /** Marks a live parent deleted; the parent as it was. */
    deleteParent: compiledQuery((db, p: { parentId: string }) =>
      compilableSql(db, sql<P>`UPDATE ${parent} SET deleted_at = now() WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL RETURNING ${PARENT}`),
    ),

    /** The live parent with this id. */
    parentById: compiledQuery((db, p: { parentId: string }) =>
      compilableSql(db, sql<P>`SELECT ${PARENT} FROM ${parent} WHERE id = ${p.parentId}::uuid AND deleted_at IS NULL`),
    ),

    /** The organization's live parents, by slug. */
    parentsOfOrganization: compiledQuery((db, p: { organizationId: string }) =>
      compilableSql(db, sql<P>`SELECT ${PARENT} FROM ${parent} WHERE organization_id = ${p.organizationId}::uuid AND deleted_at IS NULL ORDER BY slug`),
    ),

    /** Version `version` of a live parent, with its definition. */
    versionByNumber: compiledQuery((db, p: { parentId: string; version: number }) =>
      compilableSql(
        db,
        sql<V>`SELECT ${summary('v')}, v.definition FROM ${versions} v JOIN ${parent} f ON f.id = v.${key} AND f.deleted_at IS NULL
          WHERE v.${key} = ${p.parentId}::uuid AND v.version = ${p.version}::int`,
      ),
    ),

    /** The version a live, published (not archived) parent points at, with its definition. */
    publishedVersion: compiledQuery((db, p: { parentId: string }) =>
      compilableSql(
        db,
        sql<V>`SELECT ${summary('v')}, v.definition FROM ${versions} v
          JOIN ${parent} f ON f.id = v.${key} AND f.published_version = v.version AND f.deleted_at IS NULL AND f.status = 'published'
          WHERE v.${key} = ${p.parentId}::uuid`,
      ),
    ),

    /** A live parent's versions without their definitions, newest first. */
    versionsOf: compiledQuery((db, p: { parentId: string }) =>
      compilableSql(
        db,
        sql<S>`SELECT ${summary('v')} FROM ${versions} v JOIN ${parent} f ON f.id = v.${key} AND f.deleted_at IS NULL
          WHERE v.${key} = ${p.parentId}::uuid ORDER BY v.version DESC`,
      ),
    ),
  });
}
