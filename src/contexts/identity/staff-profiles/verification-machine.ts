import { ValidationError } from '../../../core/errors/validation-error.js';
import type { EventTypeDescriptor } from '../../../core/events/event-type.js';
import { staffProfileRejected, staffProfileSubmitted, staffProfileVerified } from '../identity-events.js';

/**
 * The staff-profile verification state machine, declared once. The conditional UPDATEs
 * (`transition-statement.ts`), the Mermaid diagram (`docs/verification-state-machine.md`, by
 * `npm run diagram`) and the test matrix are all derived from this table.
 */

/** Verification states (the `profile_verification_status` enum). */
export const VERIFICATION_STATES = Object.freeze(['draft', 'pending', 'verified', 'rejected'] as const);

/** A verification state. */
export type VerificationStatus = (typeof VERIFICATION_STATES)[number];

/** Events that move a profile between states. */
export const VERIFICATION_EVENTS = Object.freeze(['edit', 'submit', 'verify', 'reject'] as const);

/** A verification event. */
export type VerificationEvent = (typeof VERIFICATION_EVENTS)[number];

/** One row of the transition table. */
export interface TransitionRule {
  /** The event. */
  readonly event: VerificationEvent;
  /**
   * Who may cause it: `applicant` is the profile's own user; `verifier` is another user of the
   * same organization holding {@link TransitionRule.permission}.
   */
  readonly actor: 'applicant' | 'verifier';
  /** The permission a verifier needs. */
  readonly permission?: string;
  /** Allowed from-states, each with the state it leads to. */
  readonly edges: readonly { readonly from: VerificationStatus; readonly to: VerificationStatus }[];
  /** Whether the caller must send the version it read (verify, reject: the version reviewed). */
  readonly requiresExpectedVersion: boolean;
  /** Inputs the event needs besides the actor. */
  readonly requiredInputs: readonly ('changes' | 'reason')[];
}

/**
 * What entering a state does to the verification fields, whatever the event (these mirror the
 * table's CHECK constraints):
 * - every transition bumps `version`;
 * - entering `pending` from another state sets `verification_submitted_at = now()`;
 * - entering `verified` sets `verified_at`, `verified_by_user_id` and, when the organization's
 *   settings have `verification.validityDays`, `verification_expires_at`;
 * - any state but `verified` clears those three;
 * - entering `rejected` from another state stores the reason; any other state clears it.
 */
export const VERIFICATION_TRANSITIONS: readonly TransitionRule[] = Object.freeze([
  {
    event: 'edit',
    actor: 'applicant',
    edges: [
      { from: 'draft', to: 'draft' },
      { from: 'pending', to: 'pending' },
      { from: 'rejected', to: 'rejected' },
      // Edits after verification need a new verification.
      { from: 'verified', to: 'pending' },
    ],
    requiresExpectedVersion: false,
    requiredInputs: ['changes'],
  },
  {
    event: 'submit',
    actor: 'applicant',
    edges: [
      { from: 'draft', to: 'pending' },
      { from: 'rejected', to: 'pending' },
    ],
    requiresExpectedVersion: false,
    requiredInputs: [],
  },
  {
    event: 'verify',
    actor: 'verifier',
    permission: 'profile:verify',
    edges: [{ from: 'pending', to: 'verified' }],
    requiresExpectedVersion: true,
    requiredInputs: [],
  },
  {
    event: 'reject',
    actor: 'verifier',
    permission: 'profile:verify',
    edges: [{ from: 'pending', to: 'rejected' }],
    requiresExpectedVersion: true,
    requiredInputs: ['reason'],
  },
] satisfies TransitionRule[]);

/**
 * The domain event each state emits when a transition ENTERS it (the status changes into it;
 * an edit that stays in a state emits nothing). So an edit of a verified profile, which sends
 * it back to `pending`, is a submission too.
 */
export const STATE_ENTRY_EVENTS = Object.freeze({
  pending: staffProfileSubmitted,
  verified: staffProfileVerified,
  rejected: staffProfileRejected,
} as const satisfies Partial<Record<VerificationStatus, EventTypeDescriptor>>);

/** The rule of an event. */
export function transitionRule(event: VerificationEvent): TransitionRule {
  const rule = VERIFICATION_TRANSITIONS.find((r) => r.event === event);
  if (!rule) throw new ValidationError([{ path: 'event', message: 'is not a verification event' }]);
  return rule;
}

/** The state `event` leads to from `from`, or `undefined` when the edge is not allowed. */
export function nextState(from: VerificationStatus, event: VerificationEvent): VerificationStatus | undefined {
  return transitionRule(event).edges.find((edge) => edge.from === from)?.to;
}
