// The state machine of a submission, declared once. The repository's conditional UPDATEs take
// their from-states from this table, the diagram (docs/submission-state-machine.md, by `npm run
// diagram`) is drawn from it, the CHECK constraint submissions_status_values lists the same
// states (a test compares them), and the matrix test tries every event in every state.

/** Submission states (`submissions.status`). */
export const SUBMISSION_STATES = Object.freeze(['draft', 'submitted', 'in_review', 'approved', 'rejected', 'completed', 'archived'] as const);

/** A submission state. */
export type SubmissionStatus = (typeof SUBMISSION_STATES)[number];

/** The events that change a submission's status (the repository's methods, `create` aside). */
export const SUBMISSION_EVENTS = Object.freeze(['edit', 'submit', 'start_review', 'approve', 'reject', 'reopen', 'complete', 'archive'] as const);

/** A submission event. */
export type SubmissionEvent = (typeof SUBMISSION_EVENTS)[number];

/** One row of the submission transition table. */
export interface SubmissionTransition {
  readonly event: SubmissionEvent;
  readonly from: SubmissionStatus;
  readonly to: SubmissionStatus;
  /** What else happens. */
  readonly effect: string;
}

/**
 * The submission transitions. Every one adds 1 to `version`, needs the version the caller read
 * (`expectedVersion`), and is audited with its event. `create` makes a draft (no from-state).
 */
export const SUBMISSION_TRANSITIONS: readonly SubmissionTransition[] = Object.freeze([
  { event: 'edit', from: 'draft', to: 'draft', effect: 'values replaced, checked as a draft (types and limits)' },
  {
    event: 'submit',
    from: 'draft',
    to: 'submitted',
    effect: 'values checked in full against the bound version; every attachment scanned clean; numbered the first time (per form, no gaps)',
  },
  { event: 'start_review', from: 'submitted', to: 'in_review', effect: '—' },
  { event: 'approve', from: 'in_review', to: 'approved', effect: 'decided_at and decided_by set' },
  { event: 'reject', from: 'in_review', to: 'rejected', effect: 'a reason (required) kept; decided_at and decided_by set' },
  { event: 'reopen', from: 'rejected', to: 'draft', effect: 'back to draft for resubmission: reason, decision and submitted_at cleared, the number kept' },
  { event: 'complete', from: 'approved', to: 'completed', effect: '—' },
  { event: 'archive', from: 'completed', to: 'archived', effect: '—' },
  { event: 'archive', from: 'rejected', to: 'archived', effect: 'a rejection not resubmitted' },
] satisfies SubmissionTransition[]);

/** The states `event` starts from, and the state it leads to. */
export function submissionTransition(event: SubmissionEvent): { readonly from: readonly SubmissionStatus[]; readonly to: SubmissionStatus } {
  const rows = SUBMISSION_TRANSITIONS.filter((t) => t.event === event);
  return { from: rows.map((t) => t.from), to: rows[0]!.to };
}
