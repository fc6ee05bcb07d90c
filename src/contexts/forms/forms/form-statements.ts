// The form repository's statements, compiled once per process (see `compiledQuery`).
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { formColumns, formVersionSummaryColumns, type Form, type FormVersion, type FormVersionSummary } from './form.js';

/** A form row as the statements below return it (`to_jsonb` of the row, then mapped in JS). */
export interface FormRow {
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

/** Makes a live form (no version yet: {@link insertFormVersion} numbers the first 1). */
export const insertForm = compiledQuery(
  (db, p: { organizationId: string; slug: string; name: string; description: string | null }) =>
    db
      .insertInto('forms')
      .values({ organization_id: p.organizationId, slug: p.slug, name: p.name, description: p.description })
      .returning(formColumns),
);

/**
 * Makes the form's next version, a draft numbered latest + 1. Takes the live form's row first
 * (FOR UPDATE), so of concurrent callers the later ones wait, then number after the winner's
 * draft and are refused by form_versions_one_draft_key. Nothing when the form is not live.
 */
export const insertFormVersion = compiledQuery(
  (db, p: { formId: string; definition: string; sha256: string; createdBy: string | null }) =>
    compilableSql(
      db,
      sql<FormVersion>`
        WITH f AS (
          SELECT organization_id, id, latest_version FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR UPDATE
        )
        INSERT INTO form_versions (organization_id, form_id, version, definition, definition_sha256, created_by)
        SELECT f.organization_id, f.id, f.latest_version + 1, ${p.definition}::jsonb, ${p.sha256}::text, ${p.createdBy}::uuid FROM f
        RETURNING id, organization_id AS "organizationId", form_id AS "formId", version, definition,
          definition_sha256 AS "definitionSha256", revision, is_published AS "isPublished", published_at AS "publishedAt",
          published_by AS "publishedBy", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`,
    ),
);

/**
 * Replaces the definition of the form's draft numbered `version`, at the expected revision when
 * one is given (`null`: any), and adds 1 to its revision. Always one row when the live form has
 * that version: the draft after (`null` when nothing changed), and the version's sha256,
 * revision and published flag before. The version's row is taken first, so a caller that waited
 * for another edit reads the revision it left.
 */
export const updateDraftDefinition = compiledQuery(
  (db, p: { formId: string; version: number; definition: string; sha256: string; expectedRevision: number | null }) =>
    compilableSql(
      db,
      sql<{ after: FormVersion | null; previousSha256: string; previousRevision: number; isPublished: boolean }>`
        WITH before AS (
          SELECT v.id, v.definition_sha256, v.revision, v.is_published FROM form_versions v JOIN forms f ON f.id = v.form_id AND f.deleted_at IS NULL
          WHERE v.form_id = ${p.formId}::uuid AND v.version = ${p.version}::int
          FOR NO KEY UPDATE OF v
        ), u AS (
          UPDATE form_versions v SET definition = ${p.definition}::jsonb, definition_sha256 = ${p.sha256}::text, revision = v.revision + 1
          FROM before WHERE v.id = before.id AND NOT before.is_published
            AND (${p.expectedRevision}::int IS NULL OR before.revision = ${p.expectedRevision}::int)
          RETURNING v.id, v.organization_id AS "organizationId", v.form_id AS "formId", v.version, v.definition,
            v.definition_sha256 AS "definitionSha256", v.revision, v.is_published AS "isPublished", v.published_at AS "publishedAt",
            v.published_by AS "publishedBy", v.created_by AS "createdBy", v.created_at AS "createdAt", v.updated_at AS "updatedAt"
        )
        SELECT (SELECT to_jsonb(u) FROM u) AS after, before.definition_sha256 AS "previousSha256", before.revision AS "previousRevision",
          before.is_published AS "isPublished"
        FROM before`,
    ),
);

/**
 * Publishes the draft `version` of a live form whose status is one of `states` and whose
 * published version is `expected` (`null`: none): the version becomes published and the form
 * points at it, in one statement. The form's row is taken first, so of two publishers the second
 * waits and then finds the published version changed. Always one row: the form before (`null`
 * when not live), the form after and the version (both `null` when nothing changed); the caller
 * names a refusal from the form before and a fresh read of the version.
 */
export const publishFormVersion = compiledQuery(
  (db, p: { formId: string; version: number; expected: number | null; expectedRevision: number | null; states: readonly string[]; publishedBy: string | null }) =>
    compilableSql(
      db,
      sql<{ before: FormRow | null; after: FormRow | null; published: FormVersionSummary | null }>`
        WITH f AS (
          SELECT * FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), v AS (
          UPDATE form_versions SET is_published = true, published_at = now(), published_by = ${p.publishedBy}::uuid
          FROM f
          WHERE form_versions.form_id = f.id AND form_versions.version = ${p.version}::int AND NOT form_versions.is_published
            AND (${p.expectedRevision}::int IS NULL OR form_versions.revision = ${p.expectedRevision}::int)
            AND f.status = ANY (${p.states}::text[]) AND f.published_version IS NOT DISTINCT FROM ${p.expected}::int
          RETURNING form_versions.*
        ), u AS (
          UPDATE forms SET status = 'published', published_version = v.version FROM v WHERE forms.id = v.form_id
          RETURNING forms.*
        )
        SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after,
          (SELECT jsonb_build_object('id', id, 'organizationId', organization_id, 'formId', form_id, 'version', version,
             'definitionSha256', definition_sha256, 'revision', revision, 'isPublished', is_published, 'publishedAt', published_at,
             'publishedBy', published_by, 'createdBy', created_by, 'createdAt', created_at, 'updatedAt', updated_at) FROM v) AS published`,
    ),
);

/**
 * Points a live form whose status is one of `states` and whose published version is `expected`
 * at its other published version `to`. Always one row: the form before (`null` when not live),
 * after (`null` when nothing changed), and whether `to` is a published version of the form.
 */
export const repointForm = compiledQuery(
  (db, p: { formId: string; to: number; expected: number; states: readonly string[] }) =>
    compilableSql(
      db,
      sql<{ before: FormRow | null; after: FormRow | null; targetIsPublished: boolean }>`
        WITH f AS (
          SELECT * FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), target AS (
          SELECT EXISTS (SELECT 1 FROM form_versions WHERE form_id = ${p.formId}::uuid AND version = ${p.to}::int AND is_published) AS ok
        ), u AS (
          UPDATE forms SET published_version = ${p.to}::int FROM f, target
          WHERE forms.id = f.id AND target.ok AND f.status = ANY (${p.states}::text[])
            AND f.published_version = ${p.expected}::int AND ${p.to}::int <> ${p.expected}::int
          RETURNING forms.*
        )
        SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after, (SELECT ok FROM target) AS "targetIsPublished"`,
    ),
);

/**
 * Moves a live form whose status is one of `from` to `to`. Always one row: the form before
 * (`null` when not live) and after (`null` when nothing changed).
 */
export const changeFormStatus = compiledQuery((db, p: { formId: string; from: readonly string[]; to: string }) =>
  compilableSql(
    db,
    sql<{ before: FormRow | null; after: FormRow | null }>`
      WITH f AS (
        SELECT * FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
      ), u AS (
        UPDATE forms SET status = ${p.to}::text FROM f WHERE forms.id = f.id AND f.status = ANY (${p.from}::text[])
        RETURNING forms.*
      )
      SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after`,
  ),
);

/** Renames / redescribes a live form; before and after (nothing when not live). */
export const updateForm = compiledQuery(
  (db, p: { formId: string; name: string | null; description: string | null; setDescription: boolean }) =>
    compilableSql(
      db,
      sql<{ before: FormRow; after: FormRow }>`
        WITH f AS (
          SELECT * FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), u AS (
          UPDATE forms SET name = coalesce(${p.name}::text, f.name),
            description = CASE WHEN ${p.setDescription}::boolean THEN ${p.description}::text ELSE f.description END
          FROM f WHERE forms.id = f.id
          RETURNING forms.*
        )
        SELECT to_jsonb(f) AS before, to_jsonb(u) AS after FROM f, u`,
    ),
);

/** Marks a live form deleted; the form as it was. */
export const deleteForm = compiledQuery((db, p: { formId: string }) =>
  db.updateTable('forms').set({ deleted_at: sql`now()` }).where('forms.id', '=', p.formId).where('forms.deleted_at', 'is', null).returning(formColumns),
);

/** The live form with this id. */
export const formById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('forms').select(formColumns).where('forms.id', '=', p.id).where('forms.deleted_at', 'is', null),
);

/** The organization's live forms, by slug. */
export const formsOfOrganization = compiledQuery((db, p: { org: string }) =>
  db.selectFrom('forms').select(formColumns).where('forms.organization_id', '=', p.org).where('forms.deleted_at', 'is', null).orderBy('forms.slug'),
);

/** Version `version` of a live form, with its definition. */
export const formVersionByNumber = compiledQuery((db, p: { formId: string; version: number }) =>
  db
    .selectFrom('form_versions')
    .innerJoin('forms', (join) => join.onRef('forms.id', '=', 'form_versions.form_id').on('forms.deleted_at', 'is', null))
    .select([...formVersionSummaryColumns, 'form_versions.definition'])
    .where('form_versions.form_id', '=', p.formId)
    .where('form_versions.version', '=', p.version),
);

/** The version a live form accepts submissions to, with its definition (none while a draft or archived). */
export const acceptingFormVersion = compiledQuery((db, p: { formId: string }) =>
  db
    .selectFrom('form_versions')
    .innerJoin('forms', (join) =>
      join
        .onRef('forms.id', '=', 'form_versions.form_id')
        .onRef('forms.published_version', '=', 'form_versions.version')
        .on('forms.deleted_at', 'is', null)
        .on('forms.status', '=', 'published'),
    )
    .select([...formVersionSummaryColumns, 'form_versions.definition'])
    .where('form_versions.form_id', '=', p.formId),
);

/** A live form's versions without their definitions, newest first. */
export const versionsOfForm = compiledQuery((db, p: { formId: string }) =>
  db
    .selectFrom('form_versions')
    .innerJoin('forms', (join) => join.onRef('forms.id', '=', 'form_versions.form_id').on('forms.deleted_at', 'is', null))
    .select(formVersionSummaryColumns)
    .where('form_versions.form_id', '=', p.formId)
    .orderBy('form_versions.version', 'desc'),
);

/** A form row as JSON → {@link Form}. */
export function formOfRow(row: FormRow): Form {
  return {
    id: row.id,
    organizationId: row.organization_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status as Form['status'],
    latestVersion: row.latest_version,
    publishedVersion: row.published_version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
