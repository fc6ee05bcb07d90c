// Input schemas of workflow triggers: zod only.
import { z } from 'zod';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { CronScheduleSchema } from '../definitions/cron.js';

/** Input of `workflows.addTrigger`: what fires the workflow (`kind` chooses the other field). */
export const AddWorkflowTriggerInputSchema = z.discriminatedUnion('kind', [
  /** A submission of the form (`submission.submitted`). */
  z.strictObject({ kind: z.literal('form_submission'), formId: UuidSchema }),
  /** An event of the type (give the type to the executions' `eventTypes` too). */
  z.strictObject({ kind: z.literal('event'), eventType: z.string().max(100).regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, 'must be an event type code') }),
  /** Five cron fields (minute hour day-of-month month day-of-week), UTC. */
  z.strictObject({ kind: z.literal('schedule'), cron: CronScheduleSchema }),
  /** A person, through `executions.start`. */
  z.strictObject({ kind: z.literal('manual') }),
]);

/** Input of `workflows.addTrigger`. */
export type AddWorkflowTriggerInput = z.input<typeof AddWorkflowTriggerInputSchema>;
