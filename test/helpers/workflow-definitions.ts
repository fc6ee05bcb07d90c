// Workflow definitions the tests share.
import type { WorkflowDefinitionInput } from '../../src/contexts/workflows/index.js';

/** Notifies `userId`, then ends as `end` (one action: its first step completes or fails it). */
export const notifyAndEnd = (userId: string, end: 'completed' | 'failed' = 'completed'): WorkflowDefinitionInput => ({
  format: 1,
  initial: 'notify',
  states: { notify: { actions: [{ type: 'notify', users: [userId], title: 'Hello', message: 'A workflow ran.' }], then: { end } } },
});

/** Notifies `userId`, waits `seconds`, signals `done` to webhooks, completes. */
export const notifyWaitSignal = (userId: string, seconds = 60): WorkflowDefinitionInput => ({
  format: 1,
  initial: 'notify',
  states: {
    notify: { actions: [{ type: 'notify', users: [userId], title: 'Hello', message: 'A workflow ran.' }], then: { goto: 'pause' } },
    pause: { actions: [{ type: 'wait', seconds }], then: { goto: 'signal' } },
    signal: { actions: [{ type: 'webhook', event: 'done', data: { ok: true } }], then: { end: 'completed' } },
  },
});
