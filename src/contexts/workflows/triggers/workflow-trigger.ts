import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** What starts a workflow. */
export const TRIGGER_KINDS = Object.freeze(['form_submission', 'event', 'schedule', 'manual'] as const);

/** A trigger's kind. */
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** A trigger of a workflow: a submission of one form, an event of one type, a schedule, or a person. */
export interface WorkflowTrigger {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** The workflow it starts (its published version, at the time it fires). */
  readonly workflowId: string;
  /** What fires it. */
  readonly kind: TriggerKind;
  /** `form_submission`: the form whose submissions start it. */
  readonly formId: string | null;
  /** `event`: the event type whose events start it. */
  readonly eventTypeCode: string | null;
  /** `schedule`: five cron fields, UTC. */
  readonly cron: string | null;
  /** `schedule`: when it fires next. */
  readonly nextRunAt: Date | null;
  /** Turned off triggers start nothing. */
  readonly isActive: boolean;
  /** Who added it. */
  readonly createdBy: string | null;
  /** When it was added. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** Triggers: added and turned off (recorded as `workflow_trigger.add`, `.deactivate`). */
export const workflowTriggerAggregate = defineAggregate<WorkflowTrigger>()({
  name: 'workflow_trigger',
  table: 'workflow_triggers',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    workflowId: 'workflow_id',
    kind: 'kind',
    formId: 'form_id',
    eventTypeCode: 'event_type_code',
    cron: 'cron',
    nextRunAt: 'next_run_at',
    isActive: 'is_active',
    createdBy: 'created_by',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'workflowId', 'kind', 'formId', 'eventTypeCode', 'cron', 'isActive'],
  actions: ['add', 'deactivate'],
});
