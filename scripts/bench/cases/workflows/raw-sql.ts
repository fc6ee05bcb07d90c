// The statements the workflows engine sends, hand-written (the raw sides send them as they are;
// bench:verify fails when the package's drift), and the audit rows and events it writes with
// them, built by hand: the snapshot of an execution and the payload of its events.
import { auditInsertSql, auditParameters } from '../../raw-audit.js';
import { oneLine } from '../../support.js';
import { RAW_SQL as DOCUMENTS_SQL } from '../documents/raw-sql.js';

/** The columns of an execution as the engine returns them. */
const EXECUTION = `id, organization_id AS "organizationId", workflow_id AS "workflowId", workflow_version_id AS "workflowVersionId",
  trigger_id AS "triggerId", trigger_key AS "triggerKey", submission_id AS "submissionId", status, version,
  current_state AS "currentState", input, context, output, error, started_at AS "startedAt", finished_at AS "finishedAt",
  deadline_at AS "deadlineAt", started_by AS "startedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The columns of a step as the engine returns them. */
const STEP = `id, organization_id AS "organizationId", execution_id AS "executionId", number, state, action_index AS "actionIndex",
  action_type AS "actionType", status, run_after AS "runAfter", attempts, leased_by AS "leasedBy", leased_until AS "leasedUntil",
  timeout_seconds AS "timeoutSeconds", started_at AS "startedAt", finished_at AS "finishedAt", output, error,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The engine's statements, one line each as `compilableSql` sends them. */
export const WORKFLOW_SQL = {
  /** The active manual trigger of a live published workflow, with the version it runs now. */
  manualTrigger: oneLine(`
    SELECT t.id AS "triggerId", t.organization_id AS "organizationId", t.workflow_id AS "workflowId", v.id AS "versionId",
      v.definition, v.definition_sha256 AS "definitionSha256"
    FROM workflow_triggers t
    JOIN workflows w ON w.organization_id = t.organization_id AND w.id = t.workflow_id AND w.deleted_at IS NULL AND w.status = 'published'
    JOIN workflow_versions v ON v.organization_id = w.organization_id AND v.workflow_id = w.id AND v.version = w.published_version
    WHERE t.workflow_id = $1::uuid AND t.kind = 'manual' AND t.is_active`),
  insertExecution: oneLine(`
    INSERT INTO workflow_executions (organization_id, workflow_id, workflow_version_id, trigger_id, trigger_key, submission_id,
      current_state, input, deadline_at, started_by)
    VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::text, $6::uuid, $7::text, $8::jsonb,
      now() + make_interval(secs => $9::int), $10::uuid)
    ON CONFLICT (organization_id, workflow_id, trigger_id, trigger_key) DO NOTHING
    RETURNING ${EXECUTION}`),
  insertStep: oneLine(`
    INSERT INTO workflow_execution_steps (organization_id, execution_id, number, state, action_index, action_type, run_after, timeout_seconds)
    VALUES ($1::uuid, $2::uuid, $3::int, $4::text, $5::int, $6::text,
      least(greatest(now() + make_interval(secs => $7::double precision), coalesce($8::timestamptz, now())), coalesce($9::timestamptz, 'infinity')),
      $10::int)
    RETURNING ${STEP}`),
  /** The runner's schedule poll (a transaction of its own, every round). */
  dueSchedules: oneLine(`
    SELECT id, organization_id AS "organizationId", cron, next_run_at AS "nextRunAt" FROM workflow_triggers
    WHERE kind = 'schedule' AND is_active AND next_run_at <= now()
    ORDER BY next_run_at LIMIT $1::int
    FOR NO KEY UPDATE SKIP LOCKED`),
  claimSteps: oneLine(`
    WITH due AS (
      SELECT id FROM workflow_execution_steps WHERE status = 'pending' AND run_after <= now()
      ORDER BY run_after LIMIT $1::int FOR UPDATE SKIP LOCKED
    ), expired AS (
      SELECT id FROM workflow_execution_steps WHERE status = 'running' AND leased_until < now()
      ORDER BY leased_until LIMIT $2::int FOR UPDATE SKIP LOCKED
    )
    UPDATE workflow_execution_steps s
    SET status = 'running', attempts = s.attempts + 1, leased_by = $3::text,
      leased_until = clock_timestamp() + make_interval(secs => s.timeout_seconds + $4::int / 1000.0),
      started_at = coalesce(s.started_at, now())
    FROM (SELECT id FROM expired UNION ALL SELECT id FROM due) claimed
    WHERE s.id = claimed.id
    RETURNING s.id, s.organization_id AS "organizationId", s.execution_id AS "executionId", s.attempts, s.timeout_seconds AS "timeoutSeconds"`),
  heldStep: oneLine(`
    SELECT to_jsonb(s) AS step, to_jsonb(e) AS execution, v.definition, v.definition_sha256 AS "definitionSha256",
      coalesce(e.deadline_at <= now(), false) AS overdue
    FROM workflow_execution_steps s
    JOIN workflow_executions e ON e.organization_id = s.organization_id AND e.id = s.execution_id
    JOIN workflow_versions v ON v.organization_id = e.organization_id AND v.workflow_id = e.workflow_id AND v.id = e.workflow_version_id
    WHERE s.id = $1::uuid AND s.status = 'running' AND s.leased_by = $2::text AND s.attempts = $3::int
    FOR NO KEY UPDATE OF s, e`),
  limitStatements: `SELECT set_config('statement_timeout', $1::int::text, true)`,
  moveExecution: oneLine(`
    UPDATE workflow_executions SET status = $1::text, version = version + 1,
      current_state = coalesce($2::text, current_state),
      started_at = CASE WHEN $3::text IN ('running', 'waiting', 'completed', 'failed') THEN coalesce(started_at, greatest(now(), created_at)) ELSE started_at END,
      finished_at = CASE WHEN $4::text IN ('completed', 'failed', 'cancelled', 'timed_out') THEN greatest(now(), created_at) END,
      error = $5::text, output = $6::jsonb
    WHERE id = $7::uuid AND status = ANY ($8::text[]) AND version = $9::int
    RETURNING ${EXECUTION}`),
  notifyRecipients: oneLine(`
    WITH recipients AS (
      SELECT u.organization_id, u.id FROM users u
      WHERE u.deleted_at IS NULL AND u.is_active AND (
        u.id = ANY ($1::uuid[])
        OR EXISTS (
          SELECT 1 FROM team_members m JOIN teams t ON t.organization_id = m.organization_id AND t.id = m.team_id AND t.deleted_at IS NULL
          WHERE m.organization_id = u.organization_id AND m.user_id = u.id AND m.team_id = ANY ($2::uuid[])
        )
      )
    ), made AS (
      INSERT INTO notifications (organization_id, user_id, type, title, message, data, priority)
      SELECT organization_id, id, 'workflow.notification', $3::text, $4::text, $5::jsonb, $6::text
      FROM recipients
      RETURNING 1
    )
    SELECT count(*)::int AS notified FROM made`),
  finishStep: oneLine(`
    UPDATE workflow_execution_steps SET status = $1::text, finished_at = greatest(now(), created_at), leased_by = NULL, leased_until = NULL,
      output = $2::jsonb, error = $3::text
    WHERE id = $4::uuid AND status = 'running' AND leased_by = $5::text AND attempts = $6::int
    RETURNING ${STEP}`),
  /** One audit row without an event (writeAudit of one record). */
  insertAudit: auditInsertSql(1),
  /** One audit row, its event and the event's outbox message: one statement (writeAudit of one record with an event). */
  insertAuditAndEvent: DOCUMENTS_SQL.insertAuditAndEvent,
} as const;

/** The tenant unit of work's first message: BEGIN and the tenant in one round trip. */
export const beginWithTenant = (organizationId: string) => `begin; select set_config('app.organization_id', '${organizationId}', true)`;

/** The step timeout of an action that declares none (WORKFLOW_DEFINITION_LIMITS.defaultStepTimeoutSeconds). */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;

/** An execution's audited fields (its aggregate's whitelist, in its order). */
export interface ExecutionSnapshot {
  readonly id: string;
  readonly workflowId: string;
  readonly workflowVersionId: string;
  readonly triggerId: string | null;
  readonly submissionId: string | null;
  readonly status: string;
  readonly version: number;
  readonly currentState: string;
  readonly error: string | null;
}

/** The snapshot of an execution as a statement RETURNed it (camelCase). */
export const snapshotOf = (e: ExecutionSnapshot): ExecutionSnapshot => ({
  id: e.id,
  workflowId: e.workflowId,
  workflowVersionId: e.workflowVersionId,
  triggerId: e.triggerId,
  submissionId: e.submissionId,
  status: e.status,
  version: e.version,
  currentState: e.currentState,
  error: e.error,
});

/** The snapshot of an execution from `to_jsonb(workflow_executions)` (snake_case). */
export const snapshotOfJsonb = (e: Record<string, unknown>): ExecutionSnapshot => ({
  id: e.id as string,
  workflowId: e.workflow_id as string,
  workflowVersionId: e.workflow_version_id as string,
  triggerId: e.trigger_id as string | null,
  submissionId: e.submission_id as string | null,
  status: e.status as string,
  version: e.version as number,
  currentState: e.current_state as string,
  error: e.error as string | null,
});

/** Who wrote a change: the audit context's fields the statements bind. */
export interface RawAuditContext {
  readonly actorUserId: string | null;
}

/**
 * The parameters of {@link WORKFLOW_SQL.insertAuditAndEvent} (or of `insertAudit` when `event`
 * is null) for the change `action` of an execution from `before` to `after`, with the event
 * `workflow_execution.<event>` (payload v1).
 */
export function executionAuditParameters(
  organizationId: string,
  context: RawAuditContext,
  action: string,
  before: ExecutionSnapshot | null,
  after: ExecutionSnapshot,
  event: string | null,
): unknown[] {
  const audit = auditParameters({
    organizationId,
    actorUserId: context.actorUserId,
    action: `workflow_execution.${action}`,
    entityType: 'workflow_execution',
    entityId: after.id,
    before: before === null ? null : JSON.stringify(before),
    after: JSON.stringify(after),
  });
  if (event === null) return audit;
  const payload = {
    executionId: after.id,
    organizationId,
    workflowId: after.workflowId,
    workflowVersionId: after.workflowVersionId,
    submissionId: after.submissionId,
    status: after.status,
    previousStatus: before?.status ?? null,
    state: after.currentState,
  };
  // The event's columns, then the audit context: actor, correlation id, causation id, request id.
  return [
    ...audit,
    organizationId,
    `workflow_execution.${event}`,
    1,
    'workflow_execution',
    after.id,
    after.version,
    JSON.stringify(payload),
    context.actorUserId,
    null,
    null,
    null,
  ];
}
