// The action vocabulary at run time: each action runs in the advancing transaction, so what it
// writes commits with the step's advance or not at all. Only a webhook's HTTP request happens
// outside it (the webhook sender delivers the `workflow.signal` event, at least once).
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import type { Submissions } from '../../forms/index.js';
import type { WorkflowAction } from '../definitions/workflow-definition.js';
import { workflowSignal } from '../workflow-events.js';
import { notifyRecipients } from './action-statements.js';
import type { EngineScope, WorkflowEnvironment } from './engine-scope.js';
import { workflowExecutionAggregate, type JsonObject, type WorkflowExecution } from './execution.js';

/** The submissions and the execution's submission id, or the refusal of an action that needs them. */
function submissionOf(env: WorkflowEnvironment, execution: WorkflowExecution, type: string): { submissions: Submissions; id: string } {
  if (!execution.submissionId) throw new ValidationError([{ path: 'execution.submissionId', message: `is needed by a ${type} action` }]);
  if (!env.submissions) throw new ValidationError([{ path: 'options.submissions', message: `is needed by a ${type} action` }]);
  return { submissions: env.submissions, id: execution.submissionId };
}

/** Runs one action for the execution; what it records as the step's output. */
export async function runAction(scope: EngineScope, env: WorkflowEnvironment, action: WorkflowAction, execution: WorkflowExecution): Promise<JsonObject> {
  switch (action.type) {
    case 'wait':
      return {};
    case 'notify': {
      const [row] = await notifyRecipients(scope.trx, {
        users: [...(action.users ?? [])],
        teams: [...(action.teams ?? [])],
        title: action.title,
        message: action.message,
        priority: action.priority ?? 'normal',
        data: JSON.stringify({ executionId: execution.id, workflowId: execution.workflowId, submissionId: execution.submissionId }),
      });
      return { notified: row?.notified ?? 0 };
    }
    case 'webhook': {
      await writeAudit(
        scope.trx,
        scope.context,
        auditEvent(workflowExecutionAggregate, 'signal', {
          entityId: execution.id,
          organizationId: execution.organizationId,
          before: execution,
          after: execution,
          event: domainEvent(workflowSignal, execution.id, {
            name: action.event,
            executionId: execution.id,
            organizationId: execution.organizationId,
            workflowId: execution.workflowId,
            submissionId: execution.submissionId,
            data: { ...(action.data ?? {}) },
          }),
        }),
      );
      return { signal: action.event };
    }
    case 'assign': {
      const { submissions, id } = submissionOf(env, execution, 'assign');
      const current = await submissions.get(scope, id);
      if (!current) throw new NotFoundError('submission');
      const target = 'user' in action ? { userId: action.user } : { teamId: action.team };
      const after = await submissions.assign(scope, id, { expectedVersion: current.version, ...target });
      return { submissionVersion: after.version, ...target };
    }
    case 'set_submission_status': {
      const { submissions, id } = submissionOf(env, execution, 'set_submission_status');
      const current = await submissions.get(scope, id);
      if (!current) throw new NotFoundError('submission');
      const expectedVersion = current.version;
      const after =
        action.event === 'reject'
          ? await submissions.reject(scope, id, { expectedVersion, reason: action.reason as string })
          : action.event === 'start_review'
            ? await submissions.startReview(scope, id, { expectedVersion })
            : await submissions[action.event](scope, id, { expectedVersion });
      return { submissionStatus: after.status, submissionVersion: after.version };
    }
  }
}
