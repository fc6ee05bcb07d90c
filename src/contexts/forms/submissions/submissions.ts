import { randomUUID } from 'node:crypto';
import { auditEvent, type AuditChange } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { CANONICAL_UUID, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { cursorCodec, pageLimit, TIMESTAMP_PART, toPage, UUID_PART, type Page, type PageOptions } from '../../../core/kernel/page.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { defineEncryptedColumn, type Keyring, type KeyringScope } from '../../integrations/index.js';
import { compiledFormVersion, type CompiledFormDefinition, type FormValues } from '../definitions/compile-form-definition.js';
import type { FormDefinition } from '../definitions/form-definition.js';
import {
  submissionApproved,
  submissionArchived,
  submissionAssigned,
  submissionAttachmentAdded,
  submissionAttachmentRemoved,
  submissionAttachmentScanned,
  submissionCompleted,
  submissionCreated,
  submissionRejected,
  submissionReopened,
  submissionReviewStarted,
  submissionSubmitted,
  submissionUpdated,
} from '../form-events.js';
import { acceptingFormVersion } from '../forms/form-statements.js';
import { submissionAggregate, submissionAttachmentAggregate, type Submission, type SubmissionAttachment, type SubmissionSummary } from './submission.js';
import {
  AssignSubmissionInputSchema,
  AttachFileInputSchema,
  CreateSubmissionInputSchema,
  EditSubmissionInputSchema,
  RejectSubmissionInputSchema,
  ScanResultSchema,
  SubmissionQueueInputSchema,
  TransitionInputSchema,
  type AssignSubmissionInput,
  type AttachFileInput,
  type CreateSubmissionInput,
  type EditSubmissionInput,
  type RejectSubmissionInput,
  type ScanResult,
  type SubmissionQueueInput,
  type TransitionInput,
} from './submission.inputs.js';
import { SUBMISSION_STATES, submissionTransition, type SubmissionEvent, type SubmissionStatus } from './submission-machine.js';
import {
  assignSubmission,
  attachmentsOf,
  deleteAttachment,
  editSubmission,
  insertAttachment,
  insertSubmission,
  lockFormForSubmit,
  recordAttachmentScan,
  submissionById,
  submissionCounts,
  submissionQueue,
  transitionSubmission,
  type SubmissionRow,
} from './submission-statements.js';

/** Where a submission's sensitive values are sealed (for `keyring.reencrypt` after a rotation). */
export const SUBMISSION_ENCRYPTED_COLUMNS = Object.freeze([defineEncryptedColumn({ table: 'submissions', column: 'sensitive_data_encrypted' })] as const);

const SENSITIVE_FIELD = { table: 'submissions', column: 'sensitive_data_encrypted' } as const;
const QUEUE_CURSOR = cursorCodec([TIMESTAMP_PART, UUID_PART]);

/** Options of {@link createSubmissions}. */
export interface SubmissionsOptions {
  /** Seals the values of sensitive fields (`createKeyring`). */
  readonly keyring: Keyring;
}

/**
 * Submissions of forms and their attachments. Every method takes the unit of work it runs in
 * (`uow`, with a tenant) first: values of sensitive fields are sealed with the organization's key.
 */
export interface Submissions {
  /**
   * Makes a draft of the form's published version (status `draft`, version 1) holding `values`
   * (checked as a draft: types and limits); audited (`submission.create`), event
   * `submission.created`.
   * @throws ValidationError (values at `values.<key>`); NotFoundError (`form`) unless the form is
   *   live and published (not archived).
   */
  create(uow: KeyringScope, input: CreateSubmissionInput): Promise<Submission>;
  /** The submission with its values (sensitive ones decrypted), or `undefined`. */
  get(uow: KeyringScope, id: string): Promise<Submission | undefined>;
  /**
   * Replaces a draft's values (checked as a draft); audited (`submission.edit`), event `submission.updated`.
   * @throws ValidationError; NotFoundError; VersionConflictError; TransitionConflictError unless a draft.
   */
  edit(uow: KeyringScope, id: string, input: EditSubmissionInput): Promise<Submission>;
  /**
   * draft → submitted: the values are checked in full against the bound version (required
   * fields, hidden fields absent), every attachment must be scanned clean, and a submission
   * submitted for the first time gets the form's next number (no gaps under concurrency). Run it
   * in READ COMMITTED (the default): under REPEATABLE READ a concurrent submit of the same form
   * makes it fail (UniqueViolationError `submissions_form_id_number_key`) rather than skip a number.
   * @throws ValidationError; NotFoundError; VersionConflictError; TransitionConflictError (also
   *   when the form is archived or deleted); CheckViolationError (`submissions_attachments_clean`).
   */
  submit(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /** submitted → in_review. @throws as {@link Submissions.submit}. */
  startReview(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /** in_review → approved (decided by the acting user). @throws as {@link Submissions.submit}. */
  approve(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /** in_review → rejected, with a reason. @throws as {@link Submissions.submit}. */
  reject(uow: KeyringScope, id: string, input: RejectSubmissionInput): Promise<SubmissionSummary>;
  /** rejected → draft, for resubmission (keeps its number). @throws as {@link Submissions.submit}. */
  reopen(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /** approved → completed. @throws as {@link Submissions.submit}. */
  complete(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /** completed or rejected → archived. @throws as {@link Submissions.submit}. */
  archive(uow: KeyringScope, id: string, input: TransitionInput): Promise<SubmissionSummary>;
  /**
   * Assigns to an active user or a live team of the organization, or to nobody (both left out or
   * `null`); audited (`submission.assign`), event `submission.assigned`.
   * @throws ValidationError (both given); NotFoundError (`submission`, or `assignee`); VersionConflictError.
   */
  assign(uow: KeyringScope, id: string, input: AssignSubmissionInput): Promise<SubmissionSummary>;
  /** A form's submissions in a status, longest in it first; keyset-paginated (`after`: the previous page's `nextCursor`). */
  queue(uow: KeyringScope, input: SubmissionQueueInput, options?: PageOptions): Promise<Page<SubmissionSummary>>;
  /** How many submissions the form has in each status (every status listed, 0 included): counted, never kept on the form row. */
  countByStatus(uow: KeyringScope, formId: string): Promise<Record<SubmissionStatus, number>>;
  /**
   * Attaches a stored file to a draft (scan `pending`); audited (`submission.attach`), event
   * `submission.attachment_added`.
   * @throws ValidationError; NotFoundError; UniqueViolationError (`submission_attachments_storage_key_key`);
   *   CheckViolationError (`submission_attachments_draft_only`) unless the submission is a draft.
   */
  attach(uow: KeyringScope, submissionId: string, input: AttachFileInput): Promise<SubmissionAttachment>;
  /**
   * Records a pending attachment's virus-scan result (once); audited (`submission.record_scan`),
   * event `submission.attachment_scanned`.
   * @throws ValidationError; NotFoundError; TransitionConflictError when already scanned.
   */
  recordScan(uow: KeyringScope, attachmentId: string, result: ScanResult): Promise<SubmissionAttachment>;
  /**
   * Removes an attachment of a draft (e.g. an infected one); audited (`submission.detach`), event
   * `submission.attachment_removed`.
   * @throws NotFoundError; CheckViolationError (`submission_attachments_draft_only`).
   */
  detach(uow: KeyringScope, attachmentId: string): Promise<void>;
  /** A submission's attachments, oldest first. */
  listAttachments(uow: KeyringScope, submissionId: string): Promise<SubmissionAttachment[]>;
}

function keyringArgument(options: SubmissionsOptions): Keyring {
  const keyring = options !== null && typeof options === 'object' ? options.keyring : undefined;
  if (keyring === null || typeof keyring !== 'object' || typeof keyring.encrypt !== 'function' || typeof keyring.decryptText !== 'function') {
    throw new ValidationError([{ path: 'options.keyring', message: 'must be a keyring (createKeyring)' }]);
  }
  return keyring;
}

/** The tenant of a unit of work (lowercase). */
function tenantOf(scope: KeyringScope): string {
  if (scope === null || typeof scope !== 'object' || typeof scope.trx?.selectFrom !== 'function' || !scope.trx.isTransaction) {
    throw new ValidationError([{ path: 'uow', message: 'must be a unit of work (its trx and tenant)' }]);
  }
  if (typeof scope.tenant !== 'string' || !CANONICAL_UUID.test(scope.tenant)) {
    throw new ValidationError([{ path: 'uow.tenant', message: 'submissions need a unit of work with a tenant' }]);
  }
  return scope.tenant.toLowerCase();
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

/** A summary row (from RETURNING or JSON) with its dates as `Date`s. */
function summaryOf(row: SubmissionSummary): SubmissionSummary {
  return {
    id: row.id,
    organizationId: row.organizationId,
    formId: row.formId,
    formVersionId: row.formVersionId,
    status: row.status,
    version: row.version,
    number: row.number,
    createdBy: row.createdBy,
    assignedUserId: row.assignedUserId,
    assignedTeamId: row.assignedTeamId,
    statusChangedAt: new Date(row.statusChangedAt),
    submittedAt: dateOrNull(row.submittedAt),
    decidedAt: dateOrNull(row.decidedAt),
    decidedBy: row.decidedBy,
    rejectionReason: row.rejectionReason,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

const attachmentOf = (row: SubmissionAttachment): SubmissionAttachment => ({
  ...row,
  sizeBytes: Number(row.sizeBytes),
  scannedAt: dateOrNull(row.scannedAt),
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

/** The status events, by the event of the machine. */
const STATUS_EVENTS = {
  submit: submissionSubmitted,
  start_review: submissionReviewStarted,
  approve: submissionApproved,
  reject: submissionRejected,
  reopen: submissionReopened,
  complete: submissionCompleted,
  archive: submissionArchived,
} as const;

/**
 * Submissions over the given keyring (it seals the values of sensitive fields).
 * @throws ValidationError when `keyring` is missing.
 */
export function createSubmissions(options: SubmissionsOptions): Submissions {
  const keyring = keyringArgument(options);
  const idOf = (id: string, path = 'id') => parseInput(UuidSchema, id, path);

  /** Splits valid values: the plain ones (stored in `data`) and the sealed sensitive ones. */
  const store = async (scope: KeyringScope, id: string, compiled: CompiledFormDefinition, values: FormValues) => {
    const plain: Record<string, unknown> = {};
    const sensitive: Record<string, unknown> = {};
    const secret = new Set(compiled.sensitiveKeys);
    for (const [key, value] of Object.entries(values)) (secret.has(key) ? sensitive : plain)[key] = value;
    const sealed = Object.keys(sensitive).length > 0 ? await keyring.encrypt(scope, { ...SENSITIVE_FIELD, rowId: id }, JSON.stringify(sensitive)) : null;
    return { data: JSON.stringify(plain), sensitive: sealed };
  };

  /** The values of a row: `data` and the opened sensitive values. */
  const valuesOf = async (scope: KeyringScope, row: SubmissionRow): Promise<FormValues> => {
    if (!row.sensitive) return { ...row.data } as FormValues;
    const opened = JSON.parse(await keyring.decryptText(scope, { ...SENSITIVE_FIELD, rowId: row.id }, row.sensitive)) as Record<string, unknown>;
    return { ...row.data, ...opened } as FormValues;
  };

  const load = async (scope: KeyringScope, id: string) => {
    const [row] = await submissionById(scope.trx, { id });
    if (!row) throw new NotFoundError(submissionAggregate.name);
    return { row, compiled: compiledFormVersion({ definition: row.definition as FormDefinition, definitionSha256: row.definitionSha256 }) };
  };

  /** The refusal of a conditional change that changed nothing. */
  const refusal = (before: { status: string | null; version: number | null } | undefined, expected: number, event: string, from: readonly string[]): Error => {
    if (!before || before.status === null || before.version === null) return new NotFoundError(submissionAggregate.name);
    if (before.version !== expected) return new VersionConflictError(submissionAggregate.name, expected, before.version, before.status);
    if (!from.includes(before.status)) return new TransitionConflictError(submissionAggregate.name, event, before.status, before.version);
    // The row was taken before the change (FOR NO KEY UPDATE), so this is not reached by a race.
    return new VersionConflictError(submissionAggregate.name, expected, before.version, before.status);
  };

  const audit = (scope: KeyringScope, action: (typeof submissionAggregate.actions)[number], change: AuditChange<SubmissionSummary>) =>
    writeAudit(scope.trx, scope.context ?? {}, auditEvent(submissionAggregate, action, change));

  /** A transition of the machine: the conditional UPDATE, its audit row and event. */
  const move = async (scope: KeyringScope, id: string, event: Exclude<SubmissionEvent, 'edit'>, expected: number, reason: string | null = null) => {
    tenantOf(scope);
    const { from, to } = submissionTransition(event);
    const [row] = await transitionSubmission(scope.trx, { id, expected, from, to, actor: scope.context?.actorUserId ?? null, reason });
    if (!row?.after) throw refusal(row, expected, event, from);
    const after = summaryOf(row.after);
    await audit(scope, event, {
      entityId: after.id,
      organizationId: after.organizationId,
      before: { ...after, status: row.status as SubmissionStatus, version: row.version as number },
      after,
      event: domainEvent(STATUS_EVENTS[event], after.id, {
        submissionId: after.id,
        organizationId: after.organizationId,
        formId: after.formId,
        formVersionId: after.formVersionId,
        number: after.number,
        status: after.status,
        previousStatus: row.status as SubmissionStatus,
      }),
    });
    return after;
  };

  const transitionInput = (input: TransitionInput) => parseInput(TransitionInputSchema, input, 'input').expectedVersion;

  return withErrorMapping({
    async create(scope: KeyringScope, input: CreateSubmissionInput) {
      const organizationId = tenantOf(scope);
      const data = parseInput(CreateSubmissionInputSchema, input, 'input');
      const [version] = await acceptingFormVersion(scope.trx, { parentId: data.formId });
      if (!version || version.organizationId !== organizationId) throw new NotFoundError('form');
      const compiled = compiledFormVersion({ definition: version.definition, definitionSha256: version.definitionSha256 });
      const values = compiled.validate(data.values ?? {}, 'draft');
      const id = randomUUID();
      const stored = await store(scope, id, compiled, values);
      const [row] = await insertSubmission(scope.trx, {
        id,
        organizationId,
        formId: data.formId,
        formVersionId: version.id,
        ...stored,
        createdBy: scope.context?.actorUserId ?? null,
      });
      const summary = summaryOf(row as SubmissionRow);
      await audit(scope, 'create', {
        entityId: id,
        organizationId,
        after: summary,
        event: domainEvent(submissionCreated, id, { submissionId: id, organizationId, formId: summary.formId, formVersionId: summary.formVersionId }),
      });
      return { ...summary, values };
    },
    async get(scope: KeyringScope, id: string) {
      tenantOf(scope);
      const [row] = await submissionById(scope.trx, { id: idOf(id) });
      if (!row) return undefined;
      return { ...summaryOf(row), values: await valuesOf(scope, row) };
    },
    async edit(scope: KeyringScope, id: string, input: EditSubmissionInput) {
      tenantOf(scope);
      const submissionId = idOf(id);
      const data = parseInput(EditSubmissionInputSchema, input, 'input');
      const { compiled } = await load(scope, submissionId);
      const values = compiled.validate(data.values, 'draft');
      const stored = await store(scope, submissionId, compiled, values);
      const [row] = await editSubmission(scope.trx, { id: submissionId, expected: data.expectedVersion, ...stored });
      if (!row?.after) throw refusal(row, data.expectedVersion, 'edit', ['draft']);
      const after = summaryOf(row.after);
      await audit(scope, 'edit', {
        entityId: after.id,
        organizationId: after.organizationId,
        before: { ...after, version: row.version as number },
        after,
        event: domainEvent(submissionUpdated, after.id, { submissionId: after.id, organizationId: after.organizationId, formId: after.formId, version: after.version }),
      });
      return { ...after, values };
    },
    async submit(scope: KeyringScope, id: string, input: TransitionInput) {
      tenantOf(scope);
      const submissionId = idOf(id);
      const expected = transitionInput(input);
      const { row, compiled } = await load(scope, submissionId);
      if (row.version !== expected) throw new VersionConflictError(submissionAggregate.name, expected, row.version, row.status);
      if (row.status !== 'draft') throw new TransitionConflictError(submissionAggregate.name, 'submit', row.status, row.version);
      compiled.validate(await valuesOf(scope, row), 'submit');
      const [form] = await lockFormForSubmit(scope.trx, { formId: row.formId });
      if (form?.status !== 'published') throw new TransitionConflictError('form', 'submit', form?.status ?? 'deleted', 0);
      return move(scope, submissionId, 'submit', expected);
    },
    startReview: (scope: KeyringScope, id: string, input: TransitionInput) => move(scope, idOf(id), 'start_review', transitionInput(input)),
    approve: (scope: KeyringScope, id: string, input: TransitionInput) => move(scope, idOf(id), 'approve', transitionInput(input)),
    async reject(scope: KeyringScope, id: string, input: RejectSubmissionInput) {
      const data = parseInput(RejectSubmissionInputSchema, input, 'input');
      return move(scope, idOf(id), 'reject', data.expectedVersion, data.reason);
    },
    reopen: (scope: KeyringScope, id: string, input: TransitionInput) => move(scope, idOf(id), 'reopen', transitionInput(input)),
    complete: (scope: KeyringScope, id: string, input: TransitionInput) => move(scope, idOf(id), 'complete', transitionInput(input)),
    archive: (scope: KeyringScope, id: string, input: TransitionInput) => move(scope, idOf(id), 'archive', transitionInput(input)),
    async assign(scope: KeyringScope, id: string, input: AssignSubmissionInput) {
      tenantOf(scope);
      const submissionId = idOf(id);
      const data = parseInput(AssignSubmissionInputSchema, input, 'input');
      const [row] = await assignSubmission(scope.trx, {
        id: submissionId,
        expected: data.expectedVersion,
        userId: data.userId ?? null,
        teamId: data.teamId ?? null,
      });
      if (row && !row.assigneeFound) throw new NotFoundError('assignee');
      if (!row?.after) throw refusal(row, data.expectedVersion, 'assign', [row?.status ?? '']);
      const after = summaryOf(row.after);
      await audit(scope, 'assign', {
        entityId: after.id,
        organizationId: after.organizationId,
        before: { ...after, version: row.version as number },
        after,
        event: domainEvent(submissionAssigned, after.id, {
          submissionId: after.id,
          organizationId: after.organizationId,
          formId: after.formId,
          assignedUserId: after.assignedUserId,
          assignedTeamId: after.assignedTeamId,
        }),
      });
      return after;
    },
    async queue(scope: KeyringScope, input: SubmissionQueueInput, options: PageOptions = {}) {
      const org = tenantOf(scope);
      const data = parseInput(SubmissionQueueInputSchema, input, 'input');
      options = optionsArgument(options);
      const limit = pageLimit(options);
      const after = options.after ? QUEUE_CURSOR.decode(options.after) : undefined;
      const params = { org, formId: data.formId, status: data.status, limit: limit + 1 };
      const rows = after
        ? await submissionQueue(scope.trx, 'after', { ...params, afterAt: after[0]!, afterId: after[1]! })
        : await submissionQueue(scope.trx, 'first', params);
      return toPage(rows, limit, (row) => [row.cursorAt, row.id], ({ cursorAt: _, ...row }) => summaryOf(row));
    },
    async countByStatus(scope: KeyringScope, formId: string) {
      const org = tenantOf(scope);
      const counts = Object.fromEntries(SUBMISSION_STATES.map((state) => [state, 0])) as Record<SubmissionStatus, number>;
      for (const row of await submissionCounts(scope.trx, { org, formId: idOf(formId, 'formId') })) counts[row.status as SubmissionStatus] = row.count;
      return counts;
    },
    async attach(scope: KeyringScope, submissionId: string, input: AttachFileInput) {
      tenantOf(scope);
      const id = idOf(submissionId, 'submissionId');
      const data = parseInput(AttachFileInputSchema, input, 'input');
      const [row] = await insertAttachment(scope.trx, { submissionId: id, ...data });
      if (!row) throw new NotFoundError(submissionAggregate.name);
      const attachment = attachmentOf(row);
      await auditAttachment(scope, 'attach', null, attachment);
      return attachment;
    },
    async recordScan(scope: KeyringScope, attachmentId: string, result: ScanResult) {
      tenantOf(scope);
      const id = idOf(attachmentId, 'attachmentId');
      const outcome = parseInput(ScanResultSchema, result, 'result');
      const [row] = await recordAttachmentScan(scope.trx, { id, result: outcome });
      if (!row) throw new NotFoundError(submissionAttachmentAggregate.name.replace('_', ' '));
      if (!row.after) throw new TransitionConflictError('submission attachment', 'record_scan', row.status ?? 'pending', 0);
      const attachment = attachmentOf(row.after);
      await auditAttachment(scope, 'record_scan', { ...attachment, scanStatus: 'pending', scannedAt: null }, attachment);
      return attachment;
    },
    async detach(scope: KeyringScope, attachmentId: string) {
      tenantOf(scope);
      const [row] = await deleteAttachment(scope.trx, { id: idOf(attachmentId, 'attachmentId') });
      if (!row) throw new NotFoundError(submissionAttachmentAggregate.name.replace('_', ' '));
      await auditAttachment(scope, 'detach', attachmentOf(row), null);
    },
    async listAttachments(scope: KeyringScope, submissionId: string) {
      tenantOf(scope);
      return (await attachmentsOf(scope.trx, { submissionId: idOf(submissionId, 'submissionId') })).map(attachmentOf);
    },
  });

  function auditAttachment(scope: KeyringScope, action: 'attach' | 'record_scan' | 'detach', before: SubmissionAttachment | null, after: SubmissionAttachment | null) {
    const subject = (after ?? before) as SubmissionAttachment;
    const type = action === 'attach' ? submissionAttachmentAdded : action === 'record_scan' ? submissionAttachmentScanned : submissionAttachmentRemoved;
    return writeAudit(
      scope.trx,
      scope.context ?? {},
      auditEvent(submissionAttachmentAggregate, action, {
        entityId: subject.submissionId,
        organizationId: subject.organizationId,
        before,
        after,
        event: domainEvent(type, subject.submissionId, {
          submissionId: subject.submissionId,
          organizationId: subject.organizationId,
          attachmentId: subject.id,
          scanStatus: subject.scanStatus,
        }),
      }),
    );
  }
}

