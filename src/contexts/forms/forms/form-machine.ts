// The status of a form, declared once. The CHECK constraint forms_status_values lists the same
// states; forms_published_when_not_draft ties `draft` to having no published version. Every
// transition is one conditional UPDATE of the form row (on the published version the caller
// expects, where it names one) plus its audit row and event, in one transaction.

/** Form states (`forms.status`). */
export const FORM_STATES = Object.freeze(['draft', 'published', 'archived'] as const);

/** A form state. */
export type FormStatus = (typeof FORM_STATES)[number];

/** One row of the form transition table; `from: null` makes the form. */
export interface FormTransition {
  /** The repository method. */
  readonly event: 'create' | 'publish' | 'rollback' | 'archive' | 'restore';
  readonly from: FormStatus | null;
  readonly to: FormStatus;
  /** What it does to `published_version`. */
  readonly when: string;
}

/** The form transitions. Deleting (soft) is allowed in every state and is not a transition. */
export const FORM_TRANSITIONS: readonly FormTransition[] = Object.freeze([
  { event: 'create', from: null, to: 'draft', when: 'made with its first draft version (1); no published version' },
  { event: 'publish', from: 'draft', to: 'published', when: 'the draft version becomes published and accepts submissions' },
  { event: 'publish', from: 'published', to: 'published', when: 'a newer draft version replaces the published one' },
  { event: 'rollback', from: 'published', to: 'published', when: 'points at an older published version' },
  { event: 'archive', from: 'published', to: 'archived', when: 'accepts no submissions; the published version is kept' },
  { event: 'restore', from: 'archived', to: 'published', when: 'accepts submissions to its published version again' },
] satisfies FormTransition[]);

/** The states `event` starts from. */
export function formStatesFor(event: FormTransition['event']): readonly FormStatus[] {
  return FORM_TRANSITIONS.filter((t) => t.event === event && t.from !== null).map((t) => t.from as FormStatus);
}
