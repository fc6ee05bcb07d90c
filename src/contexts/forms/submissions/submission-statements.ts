// The submission statements, compiled once per process (see `compiledQuery`).
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery, compiledShapes } from '../../../core/kernel/compiled-query.js';
import type { FormDefinition } from '../definitions/form-definition.js';
import type { SubmissionAttachment, SubmissionSummary } from './submission.js';

/** The select list of a {@link SubmissionSummary}, as SQL (`s` is the submissions row). */
const SUMMARY = sql`s.id, s.organization_id AS "organizationId", s.form_id AS "formId", s.form_version_id AS "formVersionId", s.status,
  s.version, s.number, s.created_by AS "createdBy", s.assigned_user_id AS "assignedUserId", s.assigned_team_id AS "assignedTeamId",
  s.status_changed_at AS "statusChangedAt", s.submitted_at AS "submittedAt", s.decided_at AS "decidedAt", s.decided_by AS "decidedBy",
  s.rejection_reason AS "rejectionReason", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

/** A submission row with what reading its values needs. */
export type SubmissionRow = SubmissionSummary & {
  readonly data: Record<string, unknown>;
  readonly sensitive: Buffer | null;
};

/** A submission row with its form version's definition (to validate and to split its values). */
export type SubmissionWithDefinition = SubmissionRow & { readonly definition: FormDefinition; readonly definitionSha256: string };

/** Makes a draft submission (its id chosen by the caller, so its sealed values are bound to it). */
export const insertSubmission = compiledQuery(
  (db, p: { id: string; organizationId: string; formId: string; formVersionId: string; data: string; sensitive: Buffer | null; createdBy: string | null }) =>
    compilableSql(
      db,
      sql<SubmissionRow>`
        INSERT INTO submissions AS s (id, organization_id, form_id, form_version_id, data, sensitive_data_encrypted, created_by)
        VALUES (${p.id}::uuid, ${p.organizationId}::uuid, ${p.formId}::uuid, ${p.formVersionId}::uuid, ${p.data}::jsonb, ${p.sensitive}::bytea, ${p.createdBy}::uuid)
        RETURNING ${SUMMARY}, s.data, s.sensitive_data_encrypted AS sensitive`,
    ),
);

/** The submission with its version's definition. */
export const submissionById = compiledQuery((db, p: { id: string }) =>
  compilableSql(
    db,
    sql<SubmissionWithDefinition>`
      SELECT ${SUMMARY}, s.data, s.sensitive_data_encrypted AS sensitive, v.definition, v.definition_sha256 AS "definitionSha256"
      FROM submissions s JOIN form_versions v ON v.id = s.form_version_id
      WHERE s.id = ${p.id}::uuid`,
  ),
);

/**
 * Replaces a draft's values at the expected version; the row after, or the row's state when
 * refused. The row is taken first (FOR NO KEY UPDATE), so a caller that waited for another
 * change reads the state that change left.
 */
export const editSubmission = compiledQuery(
  (db, p: { id: string; expected: number; data: string; sensitive: Buffer | null }) =>
    compilableSql(
      db,
      sql<{ after: SubmissionRow | null; status: string | null; version: number | null }>`
        WITH before AS (SELECT status, version FROM submissions WHERE id = ${p.id}::uuid FOR NO KEY UPDATE),
        u AS (
          UPDATE submissions s SET data = ${p.data}::jsonb, sensitive_data_encrypted = ${p.sensitive}::bytea, version = s.version + 1
          WHERE s.id = ${p.id}::uuid AND s.status = 'draft' AND s.version = ${p.expected}::int
          RETURNING ${SUMMARY}, s.data, s.sensitive_data_encrypted AS sensitive
        )
        SELECT (SELECT to_jsonb(u) FROM u) AS after, before.status, before.version FROM before`,
    ),
);

/**
 * Takes the live form's row for numbering a submission (FOR NO KEY UPDATE: concurrent submits
 * of one form wait here, so the next statement sees the numbers committed before it). Its status.
 */
export const lockFormForSubmit = compiledQuery((db, p: { formId: string }) =>
  compilableSql(db, sql<{ status: string }>`SELECT status FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL FOR NO KEY UPDATE`),
);

/**
 * Moves a submission whose status is one of `from` and whose version is `expected` to `to`,
 * with what entering `to` does (see SUBMISSION_TRANSITIONS): submitted_at, the number (the
 * form's max + 1, the first time), the decision, the rejection reason. The row after (`null`
 * when refused) and the row's status and version before (`null` when there is none).
 */
export const transitionSubmission = compiledQuery(
  (db, p: { id: string; expected: number; from: readonly string[]; to: string; actor: string | null; reason: string | null }) =>
    compilableSql(
      db,
      sql<{ after: SubmissionSummary | null; status: string | null; version: number | null }>`
        WITH before AS (SELECT status, version FROM submissions WHERE id = ${p.id}::uuid FOR NO KEY UPDATE),
        u AS (
          UPDATE submissions s SET
            status = ${p.to}::text,
            version = s.version + 1,
            status_changed_at = now(),
            submitted_at = CASE ${p.to}::text WHEN 'submitted' THEN now() WHEN 'draft' THEN NULL ELSE s.submitted_at END,
            number = CASE WHEN ${p.to}::text = 'submitted' AND s.number IS NULL
              THEN (SELECT coalesce(max(n.number), 0) + 1 FROM submissions n WHERE n.organization_id = s.organization_id AND n.form_id = s.form_id)
              ELSE s.number END,
            decided_at = CASE WHEN ${p.to}::text IN ('approved', 'rejected') THEN now() WHEN ${p.to}::text = 'draft' THEN NULL ELSE s.decided_at END,
            decided_by = CASE WHEN ${p.to}::text IN ('approved', 'rejected') THEN ${p.actor}::uuid WHEN ${p.to}::text = 'draft' THEN NULL ELSE s.decided_by END,
            rejection_reason = CASE WHEN ${p.to}::text = 'rejected' THEN ${p.reason}::text WHEN ${p.to}::text = 'draft' THEN NULL ELSE s.rejection_reason END
          WHERE s.id = ${p.id}::uuid AND s.status = ANY (${p.from}::text[]) AND s.version = ${p.expected}::int
          RETURNING ${SUMMARY}
        )
        SELECT (SELECT to_jsonb(u) FROM u) AS after, before.status, before.version FROM before`,
    ),
);

/**
 * Assigns a submission at the expected version to a live, active user or a live team of its
 * organization, or to nobody. The row after (`null` when refused), the row's state before, and
 * whether the assignee was found.
 */
export const assignSubmission = compiledQuery(
  (db, p: { id: string; expected: number; userId: string | null; teamId: string | null }) =>
    compilableSql(
      db,
      sql<{ after: SubmissionSummary | null; status: string | null; version: number | null; assigneeFound: boolean }>`
        WITH before AS (SELECT organization_id, status, version FROM submissions WHERE id = ${p.id}::uuid FOR NO KEY UPDATE),
        assignee AS (
          SELECT (${p.userId}::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM users u, before WHERE u.id = ${p.userId}::uuid AND u.organization_id = before.organization_id AND u.is_active AND u.deleted_at IS NULL))
             AND (${p.teamId}::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM teams t, before WHERE t.id = ${p.teamId}::uuid AND t.organization_id = before.organization_id AND t.deleted_at IS NULL)) AS found
        ),
        u AS (
          UPDATE submissions s SET assigned_user_id = ${p.userId}::uuid, assigned_team_id = ${p.teamId}::uuid, version = s.version + 1
          FROM assignee
          WHERE s.id = ${p.id}::uuid AND s.version = ${p.expected}::int AND assignee.found
          RETURNING ${SUMMARY}
        )
        SELECT (SELECT to_jsonb(u) FROM u) AS after, before.status, before.version, (SELECT found FROM assignee) AS "assigneeFound" FROM before`,
    ),
);

/** A form's submissions in a status, longest in it first: keyset on (status_changed_at, id). */
export const submissionQueue = compiledShapes(
  (db, p: { org: string; formId: string; status: string; limit: number; afterAt?: string; afterId?: string }, shape: 'first' | 'after') =>
    compilableSql(
      db,
      sql<SubmissionSummary & { cursorAt: string }>`
        SELECT ${SUMMARY}, s.status_changed_at::text AS "cursorAt"
        FROM submissions s
        WHERE s.organization_id = ${p.org}::uuid AND s.form_id = ${p.formId}::uuid AND s.status = ${p.status}::text
          ${shape === 'after' ? sql`AND (s.status_changed_at, s.id) > (${p.afterAt}::timestamptz, ${p.afterId}::uuid)` : sql``}
        ORDER BY s.status_changed_at, s.id
        LIMIT ${p.limit}::int`,
    ),
);

/** How many submissions a form has in each status (derived: no counter is kept). */
export const submissionCounts = compiledQuery((db, p: { org: string; formId: string }) =>
  compilableSql(
    db,
    sql<{ status: string; count: number }>`
      SELECT s.status, count(*)::int AS count FROM submissions s
      WHERE s.organization_id = ${p.org}::uuid AND s.form_id = ${p.formId}::uuid GROUP BY s.status`,
  ),
);

/** The select list of a {@link SubmissionAttachment} (`a` is the attachments row). */
const ATTACHMENT = sql`a.id, a.organization_id AS "organizationId", a.submission_id AS "submissionId", a.storage_key AS "storageKey",
  a.file_name AS "fileName", a.sha256, a.size_bytes::float8 AS "sizeBytes", a.mime_type AS "mimeType", a.scan_status AS "scanStatus",
  a.scanned_at AS "scannedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

/** Attaches a file to the submission (the trigger refuses unless it is a draft); nothing when there is no such submission. */
export const insertAttachment = compiledQuery(
  (db, p: { submissionId: string; storageKey: string; fileName: string; sha256: string; sizeBytes: number; mimeType: string }) =>
    compilableSql(
      db,
      sql<SubmissionAttachment>`
        INSERT INTO submission_attachments AS a (organization_id, submission_id, storage_key, file_name, sha256, size_bytes, mime_type)
        SELECT s.organization_id, s.id, ${p.storageKey}::text, ${p.fileName}::text, ${p.sha256}::text, ${p.sizeBytes}::bigint, ${p.mimeType}::text
        FROM submissions s WHERE s.id = ${p.submissionId}::uuid
        RETURNING ${ATTACHMENT}`,
    ),
);

/** Records a pending attachment's scan result; the attachment after, or its status when refused. */
export const recordAttachmentScan = compiledQuery((db, p: { id: string; result: string }) =>
  compilableSql(
    db,
    sql<{ after: SubmissionAttachment | null; status: string | null }>`
      WITH before AS (SELECT scan_status FROM submission_attachments WHERE id = ${p.id}::uuid FOR NO KEY UPDATE),
      u AS (
        UPDATE submission_attachments a SET scan_status = ${p.result}::text, scanned_at = now()
        WHERE a.id = ${p.id}::uuid AND a.scan_status = 'pending'
        RETURNING ${ATTACHMENT}
      )
      SELECT (SELECT to_jsonb(u) FROM u) AS after, before.scan_status AS status FROM before`,
  ),
);

/** Removes an attachment (the trigger refuses unless its submission is a draft); the attachment as it was. */
export const deleteAttachment = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<SubmissionAttachment>`DELETE FROM submission_attachments a WHERE a.id = ${p.id}::uuid RETURNING ${ATTACHMENT}`),
);

/** A submission's attachments, oldest first. */
export const attachmentsOf = compiledQuery((db, p: { submissionId: string }) =>
  compilableSql(db, sql<SubmissionAttachment>`SELECT ${ATTACHMENT} FROM submission_attachments a WHERE a.submission_id = ${p.submissionId}::uuid ORDER BY a.created_at, a.id`),
);
