import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { FormValues } from '../definitions/compile-form-definition.js';
import type { AttachmentScanStatus } from './attachment-scan-machine.js';
import type { SubmissionStatus } from './submission-machine.js';

/** A submission of a form, without its values (queues and lists). */
export interface SubmissionSummary {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** The form. */
  readonly formId: string;
  /** The published form version it is validated against, for good. */
  readonly formVersionId: string;
  /** Where it is in its state machine (`SUBMISSION_TRANSITIONS`). */
  readonly status: SubmissionStatus;
  /** Optimistic concurrency: pass it back as `expectedVersion`. */
  readonly version: number;
  /** 1, 2, 3, … per form, from its first submit; `null` for a draft never submitted. */
  readonly number: number | null;
  /** Who made it; `null` when no acting user was known. */
  readonly createdBy: string | null;
  /** The user it is assigned to, if any. */
  readonly assignedUserId: string | null;
  /** The team it is assigned to, if any (never both). */
  readonly assignedTeamId: string | null;
  /** When it entered its status (queues are ordered by it). */
  readonly statusChangedAt: Date;
  /** When it was last submitted; `null` while a draft. */
  readonly submittedAt: Date | null;
  /** When it was approved or rejected. */
  readonly decidedAt: Date | null;
  /** Who approved or rejected it. */
  readonly decidedBy: string | null;
  /** Why it was rejected (while rejected or archived after). */
  readonly rejectionReason: string | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** A submission with its values (sensitive ones decrypted). */
export interface Submission extends SubmissionSummary {
  /** The values by field key, as validated. */
  readonly values: FormValues;
}

/** A file attached to a submission (the file itself is in object storage). */
export interface SubmissionAttachment {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization. */
  readonly organizationId: string;
  /** The submission. */
  readonly submissionId: string;
  /** Where the file is stored; unique. */
  readonly storageKey: string;
  /** The file's name as uploaded. */
  readonly fileName: string;
  /** Lowercase hex sha256 of the file. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly sizeBytes: number;
  /** Its MIME type, e.g. `application/pdf`. */
  readonly mimeType: string;
  /** `pending` until scanned, then `clean` or `infected`. */
  readonly scanStatus: AttachmentScanStatus;
  /** When the scan result was recorded. */
  readonly scannedAt: Date | null;
  /** When it was attached. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** Submissions: made, edited, moved through their state machine, assigned; audited without their values. */
export const submissionAggregate = defineAggregate<SubmissionSummary>()({
  name: 'submission',
  table: 'submissions',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    formId: 'form_id',
    formVersionId: 'form_version_id',
    status: 'status',
    version: 'version',
    number: 'number',
    createdBy: 'created_by',
    assignedUserId: 'assigned_user_id',
    assignedTeamId: 'assigned_team_id',
    statusChangedAt: 'status_changed_at',
    submittedAt: 'submitted_at',
    decidedAt: 'decided_at',
    decidedBy: 'decided_by',
    rejectionReason: 'rejection_reason',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'formId', 'formVersionId', 'status', 'version', 'number', 'assignedUserId', 'assignedTeamId', 'rejectionReason'],
  actions: ['create', 'edit', 'submit', 'start_review', 'approve', 'reject', 'reopen', 'complete', 'archive', 'assign'],
});

/** Attachments of submissions (recorded as `submission.attach`, `submission.record_scan`, `submission.detach`). */
export const submissionAttachmentAggregate = defineAggregate<SubmissionAttachment>()({
  name: 'submission_attachment',
  table: 'submission_attachments',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    submissionId: 'submission_id',
    storageKey: 'storage_key',
    fileName: 'file_name',
    sha256: 'sha256',
    sizeBytes: 'size_bytes',
    mimeType: 'mime_type',
    scanStatus: 'scan_status',
    scannedAt: 'scanned_at',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'submissionId', 'storageKey', 'sha256', 'sizeBytes', 'mimeType', 'scanStatus'],
  actions: ['attach', 'record_scan', 'detach'],
  actionPrefix: 'submission',
});
