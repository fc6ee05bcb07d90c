// The trigger statements, compiled once per process.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { WorkflowTrigger } from './workflow-trigger.js';

const TRIGGER = sql`id, organization_id AS "organizationId", workflow_id AS "workflowId", kind, form_id AS "formId",
  event_type_code AS "eventTypeCode", cron, next_run_at AS "nextRunAt", is_active AS "isActive", created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Adds a trigger to a live workflow of the tenant; nothing when there is no such workflow. */
export const insertTrigger = compiledQuery(
  (
    db,
    p: {
      workflowId: string;
      kind: string;
      formId: string | null;
      eventTypeCode: string | null;
      cron: string | null;
      nextRunAt: Date | null;
      createdBy: string | null;
    },
  ) =>
    compilableSql(
      db,
      sql<WorkflowTrigger>`
        INSERT INTO workflow_triggers (organization_id, workflow_id, kind, form_id, event_type_code, cron, next_run_at, created_by)
        SELECT w.organization_id, w.id, ${p.kind}::text, ${p.formId}::uuid, ${p.eventTypeCode}::text, ${p.cron}::text,
          ${p.nextRunAt}::timestamptz, ${p.createdBy}::uuid
        FROM workflows w WHERE w.id = ${p.workflowId}::uuid AND w.deleted_at IS NULL
        RETURNING ${TRIGGER}`,
    ),
);

/** Turns an active trigger of a workflow off; nothing when there is none. */
export const deactivateTrigger = compiledQuery((db, p: { workflowId: string; id: string }) =>
  compilableSql(
    db,
    sql<WorkflowTrigger>`
      UPDATE workflow_triggers SET is_active = false, next_run_at = NULL
      WHERE id = ${p.id}::uuid AND workflow_id = ${p.workflowId}::uuid AND is_active
      RETURNING ${TRIGGER}`,
  ),
);

/** A workflow's triggers, oldest first. */
export const triggersOfWorkflow = compiledQuery((db, p: { workflowId: string }) =>
  compilableSql(db, sql<WorkflowTrigger>`SELECT ${TRIGGER} FROM workflow_triggers WHERE workflow_id = ${p.workflowId}::uuid ORDER BY created_at, id`),
);

/** A trigger ready to start an execution: with its workflow's published version. */
export interface FiringTrigger {
  readonly triggerId: string;
  readonly organizationId: string;
  readonly workflowId: string;
  readonly versionId: string;
  readonly definition: unknown;
  readonly definitionSha256: string;
}

/**
 * The active triggers of the tenant that a submission of `formId` (when given) or an event of
 * `eventType` fires, of live published workflows, with the version each runs now.
 */
export const firingTriggers = compiledQuery((db, p: { formId: string | null; eventType: string }) =>
  compilableSql(
    db,
    sql<FiringTrigger>`
      SELECT t.id AS "triggerId", t.organization_id AS "organizationId", t.workflow_id AS "workflowId", v.id AS "versionId",
        v.definition, v.definition_sha256 AS "definitionSha256"
      FROM workflow_triggers t
      JOIN workflows w ON w.organization_id = t.organization_id AND w.id = t.workflow_id AND w.deleted_at IS NULL AND w.status = 'published'
      JOIN workflow_versions v ON v.organization_id = w.organization_id AND v.workflow_id = w.id AND v.version = w.published_version
      WHERE t.is_active AND (
        (t.kind = 'form_submission' AND t.form_id = ${p.formId}::uuid AND ${p.eventType}::text = 'submission.submitted')
        OR (t.kind = 'event' AND t.event_type_code = ${p.eventType}::text)
      )
      ORDER BY t.created_at, t.id`,
  ),
);

/** The trigger `id` of a live published workflow (any kind), with the version it runs now. */
export const triggerToFire = compiledQuery((db, p: { id: string }) =>
  compilableSql(
    db,
    sql<FiringTrigger & { kind: string; isActive: boolean }>`
      SELECT t.id AS "triggerId", t.organization_id AS "organizationId", t.workflow_id AS "workflowId", v.id AS "versionId",
        v.definition, v.definition_sha256 AS "definitionSha256", t.kind, t.is_active AS "isActive"
      FROM workflow_triggers t
      JOIN workflows w ON w.organization_id = t.organization_id AND w.id = t.workflow_id AND w.deleted_at IS NULL AND w.status = 'published'
      JOIN workflow_versions v ON v.organization_id = w.organization_id AND v.workflow_id = w.id AND v.version = w.published_version
      WHERE t.id = ${p.id}::uuid`,
  ),
);

/** A due schedule the worker claimed (moved on to its next time in the same transaction). */
export interface DueSchedule {
  readonly id: string;
  readonly organizationId: string;
  readonly cron: string;
  readonly nextRunAt: Date;
}

/** Up to `limit` due schedules of every tenant, locked (SKIP LOCKED) for the claiming transaction. */
export const dueSchedules = compiledQuery((db, p: { limit: number }) =>
  compilableSql(
    db,
    sql<DueSchedule>`
      SELECT id, organization_id AS "organizationId", cron, next_run_at AS "nextRunAt" FROM workflow_triggers
      WHERE kind = 'schedule' AND is_active AND next_run_at <= now()
      ORDER BY next_run_at LIMIT ${p.limit}::int
      FOR NO KEY UPDATE SKIP LOCKED`,
  ),
);

/** Moves a schedule on to its next time (`null`: it stops). */
export const moveSchedule = compiledQuery((db, p: { id: string; next: Date | null }) =>
  compilableSql(db, sql<{ id: string }>`UPDATE workflow_triggers SET next_run_at = ${p.next}::timestamptz WHERE id = ${p.id}::uuid RETURNING id`),
);

/** The active manual trigger of a live published workflow, with the version it runs now. */
export const manualTrigger = compiledQuery((db, p: { workflowId: string }) =>
  compilableSql(
    db,
    sql<FiringTrigger>`
      SELECT t.id AS "triggerId", t.organization_id AS "organizationId", t.workflow_id AS "workflowId", v.id AS "versionId",
        v.definition, v.definition_sha256 AS "definitionSha256"
      FROM workflow_triggers t
      JOIN workflows w ON w.organization_id = t.organization_id AND w.id = t.workflow_id AND w.deleted_at IS NULL AND w.status = 'published'
      JOIN workflow_versions v ON v.organization_id = w.organization_id AND v.workflow_id = w.id AND v.version = w.published_version
      WHERE t.workflow_id = ${p.workflowId}::uuid AND t.kind = 'manual' AND t.is_active`,
  ),
);
