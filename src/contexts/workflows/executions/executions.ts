// Executions as a service uses them: start by hand, read, cancel, and the event handler that
// starts executions from triggers (run by the worker, in the delivery's transaction).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../../schema/db.js';
import type { EventHandler } from '../../../core/events/event-handler.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { tenantScopeArgument, type TenantScopeInput } from '../../../core/kernel/tenant-scope.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { CommitOutcomeUnknownError, ConnectionLostError, SerializationFailureError, DeadlockError } from '../../../core/errors/operational-errors.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { Submissions } from '../../forms/index.js';
import { firingTriggers, manualTrigger } from '../triggers/workflow-trigger-statements.js';
import type { WorkflowExecution, WorkflowExecutionStep } from './execution.js';
import { CancelExecutionOptionsSchema, StartExecutionInputSchema, type CancelExecutionOptions, type StartExecutionInput } from './execution.inputs.js';
import type { WorkflowEnvironment } from './engine-scope.js';
import { cancelExecution, recordFailedStart, startExecution } from './execution-engine.js';
import { executionWithDates, stepWithDates } from './execution-rows.js';
import { executionById, executionsOfWorkflow, stepsOfExecution } from './execution-statements.js';

/** Options of {@link createWorkflowExecutions}. */
export interface WorkflowExecutionsOptions {
  /** The service's submissions (`createSubmissions({ keyring })`): needed when workflows set a submission's status, assign it, or branch on its fields. */
  readonly submissions?: Submissions;
  /** Event types whose events fire `event` triggers, beside `submission.submitted` (which fires form triggers). (Default: none) */
  readonly eventTypes?: readonly string[];
}

/** Executions of workflows. Every method takes the unit of work it runs in (with a tenant) first. */
export interface WorkflowExecutions {
  /**
   * Starts the workflow's published version by hand (the workflow needs an active manual
   * trigger); audited, event `workflow_execution.started`. With `key`, a second start with the
   * same key returns the first execution.
   * @throws ValidationError; NotFoundError (`workflow_trigger`) when the workflow is not published or has no active manual trigger.
   */
  start(uow: TenantScopeInput, input: StartExecutionInput): Promise<WorkflowExecution>;
  /** An execution of the tenant, or `undefined`. */
  get(uow: TenantScopeInput, id: string): Promise<WorkflowExecution | undefined>;
  /** An execution's steps (its history), in order. */
  steps(uow: TenantScopeInput, executionId: string): Promise<WorkflowExecutionStep[]>;
  /** A workflow's executions, newest first (at most `limit`, default 50, at most 500). */
  list(uow: TenantScopeInput, workflowId: string, options?: { readonly limit?: number }): Promise<WorkflowExecution[]>;
  /**
   * Cancels an unfinished execution and its open step; audited, event `workflow_execution.cancelled`.
   * @throws NotFoundError; VersionConflictError for a stale `expectedVersion`; TransitionConflictError when it has finished.
   */
  cancel(uow: TenantScopeInput, id: string, options?: CancelExecutionOptions): Promise<WorkflowExecution>;
  /**
   * The event handler (`workflows.triggers`) that starts executions: one per active trigger a
   * `submission.submitted` event (form triggers) or an event of `eventTypes` (event triggers)
   * fires, keyed by the event's id, so a redelivered event starts nothing twice. Give it to
   * `createWorker`.
   */
  triggerHandler(): EventHandler;
}

/** Failures of the connection or the transaction, never of one trigger: the delivery is retried. */
const OPERATIONAL = [ConnectionLostError, CommitOutcomeUnknownError, SerializationFailureError, DeadlockError] as const;

const EVENT_TYPE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Creates the executions API over the service's submissions.
 * @throws ValidationError for bad options.
 */
export function createWorkflowExecutions(options: WorkflowExecutionsOptions = {}): WorkflowExecutions {
  if (options === null || typeof options !== 'object') throw new ValidationError([{ path: 'options', message: 'must be an object' }]);
  const eventTypes = options.eventTypes ?? [];
  if (!Array.isArray(eventTypes) || !eventTypes.every((t) => typeof t === 'string' && t.length <= 100 && EVENT_TYPE.test(t))) {
    throw new ValidationError([{ path: 'options.eventTypes', message: 'must be event type codes' }]);
  }
  if (options.submissions !== undefined && (!isObject(options.submissions) || typeof options.submissions.get !== 'function')) {
    throw new ValidationError([{ path: 'options.submissions', message: 'must be submissions (createSubmissions)' }]);
  }
  const env: WorkflowEnvironment = options.submissions ? { submissions: options.submissions } : {};
  const needs = 'workflow executions need';
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);

  const api = withErrorMapping({
    async start(uow: TenantScopeInput, input: StartExecutionInput) {
      const scope = tenantScopeArgument(uow, needs);
      const data = parseInput(StartExecutionInputSchema, input, 'input');
      const [trigger] = await manualTrigger(scope.trx, { workflowId: data.workflowId });
      if (!trigger) throw new NotFoundError('workflow_trigger');
      const { execution } = await startExecution(scope, env, {
        ...trigger,
        triggerKey: data.key ?? randomUUID(),
        submissionId: data.submissionId ?? null,
        input: data.input ?? {},
        startedBy: scope.context.actorUserId ?? null,
      });
      return execution;
    },
    async get(uow: TenantScopeInput, id: string) {
      const scope = tenantScopeArgument(uow, needs);
      const [row] = await executionById(scope.trx, { id: idOf(id, 'id') });
      return row ? executionWithDates(row) : undefined;
    },
    async steps(uow: TenantScopeInput, executionId: string) {
      const scope = tenantScopeArgument(uow, needs);
      return (await stepsOfExecution(scope.trx, { executionId: idOf(executionId, 'executionId') })).map(stepWithDates);
    },
    async list(uow: TenantScopeInput, workflowId: string, listOptions?: { readonly limit?: number }) {
      const scope = tenantScopeArgument(uow, needs);
      const limit = listOptions?.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError([{ path: 'options.limit', message: 'must be an integer from 1 to 500' }]);
      return (await executionsOfWorkflow(scope.trx, { workflowId: idOf(workflowId, 'workflowId'), limit })).map(executionWithDates);
    },
    async cancel(uow: TenantScopeInput, id: string, cancelOptions?: CancelExecutionOptions) {
      const scope = tenantScopeArgument(uow, needs);
      const { expectedVersion } = parseInput(CancelExecutionOptionsSchema, optionsArgument(cancelOptions), 'options');
      return cancelExecution(scope, idOf(id, 'id'), expectedVersion);
    },
  });

  return Object.freeze({
    ...api,
    triggerHandler: (): EventHandler => ({
      name: 'workflows.triggers',
      eventTypes: ['submission.submitted', ...eventTypes.filter((t) => t !== 'submission.submitted')],
      async handle(event, handlerScope) {
        const scope = { trx: handlerScope.trx, tenant: handlerScope.tenant, context: { correlationId: event.correlationId ?? event.id, causationId: event.id } };
        const payload = (isObject(event.payload) ? event.payload : {}) as { formId?: unknown; submissionId?: unknown };
        const formId = event.eventType === 'submission.submitted' && typeof payload.formId === 'string' ? payload.formId : null;
        const submissionId = event.eventType === 'submission.submitted' && typeof payload.submissionId === 'string' ? payload.submissionId : null;
        for (const trigger of await firingTriggers(scope.trx, { formId, eventType: event.eventType })) {
          const start = {
            ...trigger,
            triggerKey: event.id,
            submissionId,
            // The event's payload at the top (branches read its fields), its id and type under `$event`.
            input: { ...(isObject(event.payload) ? event.payload : {}), $event: { id: event.id, type: event.eventType } },
            startedBy: null,
          };
          // Each trigger in a savepoint of the delivery's transaction: one that cannot start (an
          // input too large, a definition this package refuses) is recorded as a failed
          // execution, and the event's other triggers still start.
          const nested = (fn: (inner: typeof scope) => Promise<unknown>) =>
            runUnitOfWork(scope.trx as Kysely<DB>, resolveUnitOfWorkOptions(undefined), ({ trx }) => fn({ ...scope, trx: trx as typeof scope.trx }));
          try {
            await nested((inner) => startExecution(inner, env, start));
          } catch (error) {
            if (OPERATIONAL.some((type) => error instanceof type)) throw error;
            await nested((inner) => recordFailedStart(inner, start, error));
          }
        }
      },
    }),
  });
}
