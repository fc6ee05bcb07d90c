// The workflow-definition format (version 1) and its zod meta-schema: zod only (no pg, no
// kysely), so the context's schemas can be re-exported by `@org/data/schemas`. A workflow is a
// declarative state machine a worker runs later: data a tenant authors, bounded everywhere, with
// nothing in it that runs (no code, no regular expressions). The checks over the state graph
// are in workflow-graph.ts.
import { z } from 'zod';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { PgTextSchema, requiredText, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema } from '../../../core/kernel/metadata.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { workflowGraphIssues } from './workflow-graph.js';

/** The definition format this version of the package reads and writes. */
export const WORKFLOW_DEFINITION_FORMAT = 1;

/** Bounds of a workflow definition (the meta-schema enforces them). */
export const WORKFLOW_DEFINITION_LIMITS = Object.freeze({
  /** States per definition. */
  maxStates: 50,
  /** Actions of one state. */
  maxActionsPerState: 20,
  /** Cases of one branch. */
  maxCases: 20,
  /** Recipients of one `notify` action. */
  maxRecipients: Object.freeze({ users: 50, teams: 10 }),
  /** The longest `wait` by `seconds` (365 days). */
  maxWaitSeconds: 31_536_000,
  /** The longest step timeout (`timeoutSeconds` of an action: one day). */
  maxStepTimeoutSeconds: 86_400,
  /** The step timeout of an action that declares none (for the worker). */
  defaultStepTimeoutSeconds: 300,
  /** The longest timeout of a whole execution (`timeoutSeconds` of the definition: 365 days). */
  maxExecutionTimeoutSeconds: 31_536_000,
  /** Characters of a notification's title. */
  title: 200,
  /** Characters of a notification's message. */
  message: 2000,
  /** Characters of a rejection's reason. */
  reason: 2000,
  /** Characters of a state's description. */
  description: 500,
  /** Characters of a text a condition compares with. */
  conditionText: 1000,
  /** Values of a condition's `oneOf` list. */
  conditionValues: 50,
});

/** The action types of format 1. */
export const WORKFLOW_ACTION_TYPES = Object.freeze(['set_submission_status', 'notify', 'webhook', 'assign', 'wait'] as const);

/** An action type. */
export type WorkflowActionType = (typeof WORKFLOW_ACTION_TYPES)[number];

/** The submission events a `set_submission_status` action may apply. */
export const WORKFLOW_SUBMISSION_EVENTS = Object.freeze(['start_review', 'approve', 'reject', 'complete', 'archive'] as const);

/** The priorities of a `notify` action (those of a notification). */
export const WORKFLOW_NOTIFY_PRIORITIES = Object.freeze(['low', 'normal', 'high', 'urgent'] as const);

/** How an `end` transition finishes the execution. */
export const WORKFLOW_END_STATUSES = Object.freeze(['completed', 'failed'] as const);

/** A lowercase identifier of at most 63 characters (a linear pattern: no backtracking). */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const IDENTIFIER_MESSAGE = 'must be a lowercase letter followed by at most 62 lowercase letters, digits or underscores';

/** A state's name, e.g. `manager_review`: a lowercase identifier of at most 63 characters. */
export const StateNameSchema = z.string().regex(IDENTIFIER, IDENTIFIER_MESSAGE);

/**
 * The key of a submission field a branch reads, e.g. `amount`: the same shape as a form field's
 * key (`FormKeySchema` of the forms context, defined again here so that this schema loads zod
 * alone and not the forms context's repositories).
 */
export const WorkflowFieldKeySchema = z.string().regex(IDENTIFIER, IDENTIFIER_MESSAGE);

// String.prototype.isWellFormed (Node 20+; not in the TypeScript lib this package targets).
const wellFormed = (value: string) => (value as unknown as { isWellFormed(): boolean }).isWellFormed();
const WELL_FORMED = 'must not contain a lone surrogate';
/** Text jsonb can store (no NUL, no lone surrogate), not trimmed, at most `max` characters. */
const text = (max: number) => z.string().max(max).pipe(PgTextSchema).refine(wellFormed, WELL_FORMED);
/** Text jsonb can store, trimmed, not blank, at most `max` characters. */
/** Whether every key and text of a JSON value is text jsonb can store (no NUL, no lone surrogate). */
function storableJson(value: unknown): boolean {
  const ok = (text: string) => !text.includes('\u0000') && wellFormed(text);
  if (typeof value === 'string') return ok(value);
  if (Array.isArray(value)) return value.every(storableJson);
  if (value !== null && typeof value === 'object') return Object.entries(value).every(([key, item]) => ok(key) && storableJson(item));
  return true;
}
const nonBlank = (max: number) => requiredText(max).refine(wellFormed, WELL_FORMED);
/** A finite number, −0 stored as 0 (as jsonb does). */
const finite = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .transform((value) => (Object.is(value, -0) ? 0 : value));
const LIMITS = WORKFLOW_DEFINITION_LIMITS;

type Choice = { readonly variant: string } | { readonly path: readonly string[]; readonly message: string };

/**
 * A union whose variant `choose` picks from the input (the key it has, its `type`), so that the
 * issues are those of that variant alone, with their precise paths (zod's `z.union` reports an
 * input no variant accepts as one "Invalid input" at the union's own path).
 */
function chosenUnion<V extends Readonly<Record<string, z.ZodType>>>(
  variants: V,
  expected: string,
  choose: (value: object) => Choice,
): z.ZodType<z.output<V[keyof V]>, z.input<V[keyof V]>> {
  const schema = z.unknown().transform((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `must be ${expected}` });
      return z.NEVER;
    }
    const choice = choose(value);
    if (!('variant' in choice)) {
      ctx.addIssue({ code: 'custom', path: [...choice.path], message: choice.message });
      return z.NEVER;
    }
    const result = (variants[choice.variant] as z.ZodType).safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  });
  return schema as unknown as z.ZodType<z.output<V[keyof V]>, z.input<V[keyof V]>>;
}

/** Picks the variant named by the one key of `keys` that `value` has (own keys only). */
function byKey(keys: readonly string[]): (value: object) => Choice {
  return (value) => {
    const present = keys.filter((key) => Object.hasOwn(value, key));
    if (present.length === 1) return { variant: present[0] as string };
    return { path: [], message: `must have exactly one of ${keys.join(', ')}` };
  };
}

/** A union of objects told apart by which one of their keys they have. */
function oneKeyOf<V extends Readonly<Record<string, z.ZodType>>>(variants: V, expected: string) {
  return chosenUnion(variants, expected, byKey(Object.keys(variants)));
}

const conditionValue = z.union([text(LIMITS.conditionText), finite, z.boolean()], {
  error: `must be text (at most ${LIMITS.conditionText} characters), a finite number or a boolean`,
});

/**
 * A test of one field's value (exactly one key): `equals` (strict equality; `null` also matches
 * an absent field), `oneOf`, the numeric comparisons `greaterThan`, `atLeast`, `lessThan`,
 * `atMost` (false unless the value is a finite number), or `isEmpty` (absent, `null`, `''` or
 * `[]`; `isEmpty: false` holds for anything else). See `conditionHolds`.
 */
export const WorkflowConditionSchema = oneKeyOf(
  {
    equals: z.strictObject({
      equals: z.union([conditionValue, z.null()], { error: `must be text (at most ${LIMITS.conditionText} characters), a finite number, a boolean or null` }),
    }),
    oneOf: z.strictObject({ oneOf: z.array(conditionValue).min(1).max(LIMITS.conditionValues) }),
    greaterThan: z.strictObject({ greaterThan: finite }),
    atLeast: z.strictObject({ atLeast: finite }),
    lessThan: z.strictObject({ lessThan: finite }),
    atMost: z.strictObject({ atMost: finite }),
    isEmpty: z.strictObject({ isEmpty: z.boolean() }),
  },
  'a condition: an object with one of equals, oneOf, greaterThan, atLeast, lessThan, atMost, isEmpty',
);

/** A test of one field's value. */
export type WorkflowCondition = z.output<typeof WorkflowConditionSchema>;

/** The step timeout every action may declare (`timeoutSeconds`, 1 s to one day). */
const stepTimeout = { timeoutSeconds: z.int().min(1).max(LIMITS.maxStepTimeoutSeconds).optional() };
const uuids = (max: number) => z.array(UuidSchema).max(max);

/** The positions of ids listed earlier (compared case-insensitively: one UUID, one id). */
function duplicates(ids: readonly string[] | undefined): number[] {
  const seen = new Set<string>();
  const repeated: number[] = [];
  (ids ?? []).forEach((id, i) => {
    const key = id.toLowerCase();
    if (seen.has(key)) repeated.push(i);
    seen.add(key);
  });
  return repeated;
}

const SetSubmissionStatusActionSchema = z
  .strictObject({
    type: z.literal('set_submission_status'),
    /** The submission event to apply. */
    event: z.enum(WORKFLOW_SUBMISSION_EVENTS),
    /** Why (required for `reject`, refused otherwise). */
    reason: nonBlank(LIMITS.reason).optional(),
    ...stepTimeout,
  })
  .superRefine((action, ctx) => {
    if (action.event === 'reject' && action.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required when the event is reject' });
    } else if (action.event !== 'reject' && action.reason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is only allowed when the event is reject' });
    }
  });

const NotifyActionSchema = z
  .strictObject({
    type: z.literal('notify'),
    /** Users to notify (unique). */
    users: uuids(LIMITS.maxRecipients.users).optional(),
    /** Teams whose members to notify (unique). */
    teams: uuids(LIMITS.maxRecipients.teams).optional(),
    title: nonBlank(LIMITS.title),
    message: text(LIMITS.message),
    priority: z.enum(WORKFLOW_NOTIFY_PRIORITIES).optional(),
    ...stepTimeout,
  })
  .superRefine((action, ctx) => {
    if ((action.users?.length ?? 0) + (action.teams?.length ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must name at least one user or team to notify' });
    }
    for (const list of ['users', 'teams'] as const) {
      for (const i of duplicates(action[list])) ctx.addIssue({ code: 'custom', path: [list, i], message: 'is listed earlier' });
    }
  });

const WebhookActionSchema = z.strictObject({
  type: z.literal('webhook'),
  /** The name of the domain event the organisation's webhooks receive, e.g. `invoice_due`. */
  event: z.string().regex(IDENTIFIER, IDENTIFIER_MESSAGE),
  /** The event's data (every key and text jsonb can store: no NUL, no lone surrogate). */
  data: MetadataSchema.refine(storableJson, 'must not contain NUL or a lone surrogate').optional(),
  ...stepTimeout,
});

const AssignActionSchema = oneKeyOf(
  {
    user: z.strictObject({ type: z.literal('assign'), user: UuidSchema, ...stepTimeout }),
    team: z.strictObject({ type: z.literal('assign'), team: UuidSchema, ...stepTimeout }),
  },
  'an assign action',
);

/** The latest `until` (as a `timestamptz` holds it) and the earliest. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const FIRST_INSTANT = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);

const WaitActionSchema = oneKeyOf(
  {
    seconds: z.strictObject({ type: z.literal('wait'), seconds: z.int().min(1).max(LIMITS.maxWaitSeconds), ...stepTimeout }),
    until: z.strictObject({
      type: z.literal('wait'),
      until: z.iso
        .datetime({ offset: true })
        .refine((value) => {
          const time = Date.parse(value);
          // Text that is no time at all is reported by the format check alone.
          return Number.isNaN(time) || (time >= FIRST_INSTANT && time <= LAST_INSTANT);
        }, 'must be between the years 1 and 9999'),
      ...stepTimeout,
    }),
  },
  'a wait action',
);

const actionVariants = {
  set_submission_status: SetSubmissionStatusActionSchema,
  notify: NotifyActionSchema,
  webhook: WebhookActionSchema,
  assign: AssignActionSchema,
  wait: WaitActionSchema,
} satisfies Record<WorkflowActionType, z.ZodType>;

/**
 * One step a state runs, chosen by `type`:
 * - `set_submission_status`: applies a submission `event` (`reason` required for `reject` only);
 * - `notify`: notifies `users` and/or members of `teams` (at least one, each listed once);
 * - `webhook`: emits the domain event `event` (with `data`) the organisation's webhooks receive;
 * - `assign`: assigns the submission to a `user` or a `team` (exactly one);
 * - `wait`: pauses for `seconds` or `until` an ISO 8601 time with an offset (exactly one).
 *
 * Each may have `timeoutSeconds` (1 to 86,400; the worker's default is
 * `WORKFLOW_DEFINITION_LIMITS.defaultStepTimeoutSeconds`).
 */
export const WorkflowActionSchema = chosenUnion(actionVariants, 'an action: an object with a type', (value) => {
  const type: unknown = (value as { type?: unknown }).type;
  if (Object.hasOwn(value, 'type') && typeof type === 'string' && Object.hasOwn(actionVariants, type)) return { variant: type };
  return { path: ['type'], message: `must be one of ${WORKFLOW_ACTION_TYPES.join(', ')}` };
});

/** One step a state runs. */
export type WorkflowAction = z.output<typeof WorkflowActionSchema>;

const BranchSchema = z.strictObject({
  /** The submission field whose value the cases test. */
  field: WorkflowFieldKeySchema,
  /** Tried in order: the first whose condition holds names the next state. */
  cases: z.array(z.strictObject({ when: WorkflowConditionSchema, goto: StateNameSchema })).min(1).max(LIMITS.maxCases),
  /** The next state when no case holds. */
  otherwise: StateNameSchema,
});

/** A branch: the next state chosen by a submission field's value (see `chooseBranch`). */
export type WorkflowBranch = z.output<typeof BranchSchema>;

/**
 * What follows a state's actions (exactly one key): `goto` a state, `branch` on a field's value,
 * or `end` the execution as `completed` or `failed`.
 */
export const WorkflowTransitionSchema = oneKeyOf(
  {
    goto: z.strictObject({ goto: StateNameSchema }),
    branch: z.strictObject({ branch: BranchSchema }),
    end: z.strictObject({ end: z.enum(WORKFLOW_END_STATUSES) }),
  },
  'a transition: an object with one of goto, branch, end',
);

/** What follows a state's actions. */
export type WorkflowTransition = z.output<typeof WorkflowTransitionSchema>;

/** A state: its actions, run in order, then its transition. */
export const WorkflowStateSchema = z.strictObject({
  /** What the state is for (for people). */
  description: text(LIMITS.description).optional(),
  /** Run in order when the state is entered. */
  actions: z.array(WorkflowActionSchema).max(LIMITS.maxActionsPerState).optional(),
  /** What follows. */
  then: WorkflowTransitionSchema,
});

/** A state of a workflow. */
export type WorkflowState = z.output<typeof WorkflowStateSchema>;

const StatesRecordSchema = z.record(StateNameSchema, WorkflowStateSchema);

/**
 * The states by name: 1 to 50, each name a {@link StateNameSchema}. The keys are checked
 * before the states (so a huge object is refused by its size alone), and an own `__proto__`
 * key, which zod's records would skip, is refused.
 */
const StatesSchema = z.preprocess((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const names = Object.keys(value);
  if (names.length === 0 || names.length > LIMITS.maxStates) {
    ctx.addIssue({ code: 'custom', message: `must have 1 to ${LIMITS.maxStates} states` });
    return z.NEVER;
  }
  // `__proto__` does not match the pattern: an own key of that name (JSON.parse makes one) is refused.
  const bad = names.filter((name) => !IDENTIFIER.test(name));
  for (const name of bad) ctx.addIssue({ code: 'custom', path: [name], message: `must be a state name: ${IDENTIFIER_MESSAGE}` });
  return bad.length > 0 ? z.NEVER : value;
}, StatesRecordSchema) as unknown as typeof StatesRecordSchema;

/**
 * The meta-schema: a workflow definition of format 1. Unknown properties are refused
 * everywhere. Over the state graph (workflow-graph.ts): `initial` and every `goto`, case and
 * `otherwise` name a state; every state is reachable from `initial`; a state that ends the
 * execution is reachable; and every cycle passes through a state with a `wait` action (a loop
 * without one would spin without pause).
 */
export const WorkflowDefinitionSchema = z
  .strictObject({
    /** The format: 1. */
    format: z.literal(WORKFLOW_DEFINITION_FORMAT),
    /** The state an execution starts in. */
    initial: StateNameSchema,
    /** The longest an execution may run, in seconds (1 s to 365 days). */
    timeoutSeconds: z.int().min(1).max(LIMITS.maxExecutionTimeoutSeconds).optional(),
    /** The states by name, in declaration order. */
    states: StatesSchema,
  })
  .superRefine((definition, ctx) => {
    for (const issue of workflowGraphIssues(definition)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  });

/** A workflow definition (format 1), as the meta-schema returns it. */
export type WorkflowDefinition = z.output<typeof WorkflowDefinitionSchema>;

/** A workflow definition as a caller writes it. */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinitionSchema>;

/**
 * Validates a workflow definition with {@link WorkflowDefinitionSchema} and returns it as the
 * meta-schema returns it (texts trimmed where the format says so, −0 as 0).
 *
 * @param path Where the definition is in the caller's input: issues are reported under it
 *   (`definition.states.review.then.goto`), and an issue about the value as a whole at it.
 * @throws ValidationError for anything that is not a valid definition, whatever `input` is
 *   (including an object whose properties throw when read).
 */
export function parseWorkflowDefinition(input: unknown, path: string = 'definition'): WorkflowDefinition {
  if (typeof path !== 'string' || path.length > 200) throw new ValidationError([{ path: 'path', message: 'must be text of at most 200 characters' }]);
  const under = (issuePath: string) => (issuePath === '' ? path : path === '' ? issuePath : `${path}.${issuePath}`);
  try {
    return parseInput(WorkflowDefinitionSchema, input);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.issues.map((issue) => ({ path: under(issue.path), message: issue.message })));
    }
    // A getter or a proxy that throws is the caller's input, not the package's failure.
    throw new ValidationError([{ path, message: 'could not be read (a property threw)' }]);
  }
}
