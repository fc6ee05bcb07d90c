// The workflow repository's statements, compiled once per process (see `compiledQuery`).
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { workflowColumns, workflowVersionSummaryColumns, type Workflow, type WorkflowVersion, type WorkflowVersionSummary } from './workflow.js';

/** A workflow row as the statements below return it (`to_jsonb` of the row, then mapped in JS). */
export interface WorkflowRow {
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

/** Makes a live workflow (no version yet: {@link insertWorkflowVersion} numbers the first 1). */
export const insertWorkflow = compiledQuery(
  (db, p: { organizationId: string; slug: string; name: string; description: string | null }) =>
    db
      .insertInto('workflows')
      .values({ organization_id: p.organizationId, slug: p.slug, name: p.name, description: p.description })
      .returning(workflowColumns),
);

/**
 * Makes the workflow's next version, a draft numbered latest + 1. Takes the live workflow's row first
 * (FOR UPDATE), so of concurrent callers the later ones wait, then number after the winner's
 * draft and are refused by workflow_versions_one_draft_key. Nothing when the workflow is not live.
 */
export const insertWorkflowVersion = compiledQuery(
  (db, p: { workflowId: string; definition: string; sha256: string; createdBy: string | null }) =>
    compilableSql(
      db,
      sql<WorkflowVersion>`
        WITH f AS (
          SELECT organization_id, id, latest_version FROM workflows WHERE id = ${p.workflowId}::uuid AND deleted_at IS NULL FOR UPDATE
        )
        INSERT INTO workflow_versions (organization_id, workflow_id, version, definition, definition_sha256, created_by)
        SELECT f.organization_id, f.id, f.latest_version + 1, ${p.definition}::jsonb, ${p.sha256}::text, ${p.createdBy}::uuid FROM f
        RETURNING id, organization_id AS "organizationId", workflow_id AS "workflowId", version, definition,
          definition_sha256 AS "definitionSha256", revision, is_published AS "isPublished", published_at AS "publishedAt",
          published_by AS "publishedBy", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`,
    ),
);

/**
 * Replaces the definition of the workflow's draft numbered `version`, at the expected revision when
 * one is given (`null`: any), and adds 1 to its revision. Always one row when the live workflow has
 * that version: the draft after (`null` when nothing changed), and the version's sha256,
 * revision and published flag before. The version's row is taken first, so a caller that waited
 * for another edit reads the revision it left.
 */
export const updateDraftDefinition = compiledQuery(
  (db, p: { workflowId: string; version: number; definition: string; sha256: string; expectedRevision: number | null }) =>
    compilableSql(
      db,
      sql<{ after: WorkflowVersion | null; previousSha256: string; previousRevision: number; isPublished: boolean }>`
        WITH before AS (
          SELECT v.id, v.definition_sha256, v.revision, v.is_published FROM workflow_versions v JOIN workflows f ON f.id = v.workflow_id AND f.deleted_at IS NULL
          WHERE v.workflow_id = ${p.workflowId}::uuid AND v.version = ${p.version}::int
          FOR NO KEY UPDATE OF v
        ), u AS (
          UPDATE workflow_versions v SET definition = ${p.definition}::jsonb, definition_sha256 = ${p.sha256}::text, revision = v.revision + 1
          FROM before WHERE v.id = before.id AND NOT before.is_published
            AND (${p.expectedRevision}::int IS NULL OR before.revision = ${p.expectedRevision}::int)
          RETURNING v.id, v.organization_id AS "organizationId", v.workflow_id AS "workflowId", v.version, v.definition,
            v.definition_sha256 AS "definitionSha256", v.revision, v.is_published AS "isPublished", v.published_at AS "publishedAt",
            v.published_by AS "publishedBy", v.created_by AS "createdBy", v.created_at AS "createdAt", v.updated_at AS "updatedAt"
        )
        SELECT (SELECT to_jsonb(u) FROM u) AS after, before.definition_sha256 AS "previousSha256", before.revision AS "previousRevision",
          before.is_published AS "isPublished"
        FROM before`,
    ),
);

/**
 * Publishes the draft `version` of a live workflow whose status is one of `states` and whose
 * published version is `expected` (`null`: none): the version becomes published and the workflow
 * points at it, in one statement. The workflow's row is taken first, so of two publishers the second
 * waits and then finds the published version changed. Always one row: the workflow before (`null`
 * when not live), the workflow after and the version (both `null` when nothing changed); the
 * caller names a refusal from the workflow before and a fresh read of the version.
 */
export const publishWorkflowVersion = compiledQuery(
  (db, p: { workflowId: string; version: number; expected: number | null; expectedRevision: number | null; states: readonly string[]; publishedBy: string | null }) =>
    compilableSql(
      db,
      sql<{ before: WorkflowRow | null; after: WorkflowRow | null; published: WorkflowVersionSummary | null }>`
        WITH f AS (
          SELECT * FROM workflows WHERE id = ${p.workflowId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), v AS (
          UPDATE workflow_versions SET is_published = true, published_at = now(), published_by = ${p.publishedBy}::uuid
          FROM f
          WHERE workflow_versions.workflow_id = f.id AND workflow_versions.version = ${p.version}::int AND NOT workflow_versions.is_published
            AND (${p.expectedRevision}::int IS NULL OR workflow_versions.revision = ${p.expectedRevision}::int)
            AND f.status = ANY (${p.states}::text[]) AND f.published_version IS NOT DISTINCT FROM ${p.expected}::int
          RETURNING workflow_versions.*
        ), u AS (
          UPDATE workflows SET status = 'published', published_version = v.version FROM v WHERE workflows.id = v.workflow_id
          RETURNING workflows.*
        )
        SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after,
          (SELECT jsonb_build_object('id', id, 'organizationId', organization_id, 'workflowId', workflow_id, 'version', version,
             'definitionSha256', definition_sha256, 'revision', revision, 'isPublished', is_published, 'publishedAt', published_at,
             'publishedBy', published_by, 'createdBy', created_by, 'createdAt', created_at, 'updatedAt', updated_at) FROM v) AS published`,
    ),
);

/**
 * Points a live workflow whose status is one of `states` and whose published version is `expected`
 * at its other published version `to`. Always one row: the workflow before (`null` when not live),
 * after (`null` when nothing changed), and whether `to` is a published version of the workflow.
 */
export const repointWorkflow = compiledQuery(
  (db, p: { workflowId: string; to: number; expected: number; states: readonly string[] }) =>
    compilableSql(
      db,
      sql<{ before: WorkflowRow | null; after: WorkflowRow | null; targetIsPublished: boolean }>`
        WITH f AS (
          SELECT * FROM workflows WHERE id = ${p.workflowId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), target AS (
          SELECT EXISTS (SELECT 1 FROM workflow_versions WHERE workflow_id = ${p.workflowId}::uuid AND version = ${p.to}::int AND is_published) AS ok
        ), u AS (
          UPDATE workflows SET published_version = ${p.to}::int FROM f, target
          WHERE workflows.id = f.id AND target.ok AND f.status = ANY (${p.states}::text[])
            AND f.published_version = ${p.expected}::int AND ${p.to}::int <> ${p.expected}::int
          RETURNING workflows.*
        )
        SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after, (SELECT ok FROM target) AS "targetIsPublished"`,
    ),
);

/**
 * Moves a live workflow whose status is one of `from` to `to`. Always one row: the workflow before
 * (`null` when not live) and after (`null` when nothing changed).
 */
export const changeWorkflowStatus = compiledQuery((db, p: { workflowId: string; from: readonly string[]; to: string }) =>
  compilableSql(
    db,
    sql<{ before: WorkflowRow | null; after: WorkflowRow | null }>`
      WITH f AS (
        SELECT * FROM workflows WHERE id = ${p.workflowId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
      ), u AS (
        UPDATE workflows SET status = ${p.to}::text FROM f WHERE workflows.id = f.id AND f.status = ANY (${p.from}::text[])
        RETURNING workflows.*
      )
      SELECT (SELECT to_jsonb(f) FROM f) AS before, (SELECT to_jsonb(u) FROM u) AS after`,
  ),
);

/** Renames / redescribes a live workflow; before and after (nothing when not live). */
export const updateWorkflow = compiledQuery(
  (db, p: { workflowId: string; name: string | null; description: string | null; setDescription: boolean }) =>
    compilableSql(
      db,
      sql<{ before: WorkflowRow; after: WorkflowRow }>`
        WITH f AS (
          SELECT * FROM workflows WHERE id = ${p.workflowId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE
        ), u AS (
          UPDATE workflows SET name = coalesce(${p.name}::text, f.name),
            description = CASE WHEN ${p.setDescription}::boolean THEN ${p.description}::text ELSE f.description END
          FROM f WHERE workflows.id = f.id
          RETURNING workflows.*
        )
        SELECT to_jsonb(f) AS before, to_jsonb(u) AS after FROM f, u`,
    ),
);

/** Marks a live workflow deleted; the workflow as it was. */
export const deleteWorkflow = compiledQuery((db, p: { workflowId: string }) =>
  db.updateTable('workflows').set({ deleted_at: sql`now()` }).where('workflows.id', '=', p.workflowId).where('workflows.deleted_at', 'is', null).returning(workflowColumns),
);

/** The live workflow with this id. */
export const workflowById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('workflows').select(workflowColumns).where('workflows.id', '=', p.id).where('workflows.deleted_at', 'is', null),
);

/** The organization's live workflows, by slug. */
export const workflowsOfOrganization = compiledQuery((db, p: { org: string }) =>
  db.selectFrom('workflows').select(workflowColumns).where('workflows.organization_id', '=', p.org).where('workflows.deleted_at', 'is', null).orderBy('workflows.slug'),
);

/** Version `version` of a live workflow, with its definition. */
export const workflowVersionByNumber = compiledQuery((db, p: { workflowId: string; version: number }) =>
  db
    .selectFrom('workflow_versions')
    .innerJoin('workflows', (join) => join.onRef('workflows.id', '=', 'workflow_versions.workflow_id').on('workflows.deleted_at', 'is', null))
    .select([...workflowVersionSummaryColumns, 'workflow_versions.definition'])
    .where('workflow_versions.workflow_id', '=', p.workflowId)
    .where('workflow_versions.version', '=', p.version),
);

/** The version a live workflow starts executions to, with its definition (none while a draft or archived). */
export const acceptingWorkflowVersion = compiledQuery((db, p: { workflowId: string }) =>
  db
    .selectFrom('workflow_versions')
    .innerJoin('workflows', (join) =>
      join
        .onRef('workflows.id', '=', 'workflow_versions.workflow_id')
        .onRef('workflows.published_version', '=', 'workflow_versions.version')
        .on('workflows.deleted_at', 'is', null)
        .on('workflows.status', '=', 'published'),
    )
    .select([...workflowVersionSummaryColumns, 'workflow_versions.definition'])
    .where('workflow_versions.workflow_id', '=', p.workflowId),
);

/** A live workflow's versions without their definitions, newest first. */
export const versionsOfWorkflow = compiledQuery((db, p: { workflowId: string }) =>
  db
    .selectFrom('workflow_versions')
    .innerJoin('workflows', (join) => join.onRef('workflows.id', '=', 'workflow_versions.workflow_id').on('workflows.deleted_at', 'is', null))
    .select(workflowVersionSummaryColumns)
    .where('workflow_versions.workflow_id', '=', p.workflowId)
    .orderBy('workflow_versions.version', 'desc'),
);

/** A workflow row as JSON → {@link Workflow}. */
export function workflowOfRow(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    organizationId: row.organization_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status as Workflow['status'],
    latestVersion: row.latest_version,
    publishedVersion: row.published_version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
