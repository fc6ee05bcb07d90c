// The Mermaid state diagram of a workflow definition: exact text for a small definition, and
// labels that cannot break Mermaid's syntax.
import { describe, expect, it } from 'vitest';
import { parseWorkflowDefinition } from '../../../../src/contexts/workflows/definitions/workflow-definition.js';
import { workflowDiagram } from '../../../../src/contexts/workflows/definitions/workflow-diagram.js';

const USER = '6f1c1a52-0e5b-4c39-9a55-3c7c0f4a0001';
const TEAM = '6f1c1a52-0e5b-4c39-9a55-3c7c0f4a0002';

/** A diagram's lines (no line of Mermaid may hold a `:` in a note or a second `:` in a label). */
const linesOf = (text: string) => text.split('\n');

describe('workflowDiagram', () => {
  it('draws states in declaration order: transitions, branch labels, ends and notes of actions', () => {
    const definition = parseWorkflowDefinition({
      format: 1,
      initial: 'intake',
      states: {
        intake: {
          actions: [
            { type: 'assign', team: TEAM },
            { type: 'notify', users: [USER, '6f1c1a52-0e5b-4c39-9a55-3c7c0f4a0003'], title: 'New', message: '' },
            { type: 'notify', users: [USER], teams: [TEAM], title: 'New', message: '' },
          ],
          then: { goto: 'triage' },
        },
        triage: {
          then: {
            branch: {
              field: 'amount',
              cases: [
                { when: { greaterThan: 10 }, goto: 'review' },
                { when: { atLeast: 5 }, goto: 'review' },
                { when: { lessThan: 0 }, goto: 'rejected' },
                { when: { atMost: -1.5 }, goto: 'rejected' },
                { when: { equals: 'free' }, goto: 'approved' },
                { when: { equals: null }, goto: 'rejected' },
                { when: { oneOf: ['a', 2, true] }, goto: 'approved' },
                { when: { isEmpty: true }, goto: 'rejected' },
                { when: { isEmpty: false }, goto: 'review' },
              ],
              otherwise: 'approved',
            },
          },
        },
        review: {
          actions: [
            { type: 'assign', user: USER },
            { type: 'wait', seconds: 3600 },
            { type: 'webhook', event: 'invoice_due' },
            { type: 'wait', until: '2030-01-31T10:30:00+01:00' },
            { type: 'wait', until: '2030-01-31T10:30:15Z' },
          ],
          then: { goto: 'triage' },
        },
        approved: { actions: [{ type: 'set_submission_status', event: 'approve' }], then: { end: 'completed' } },
        rejected: { actions: [{ type: 'set_submission_status', event: 'reject', reason: 'No' }], then: { end: 'failed' } },
      },
    });
    expect(workflowDiagram(definition)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> intake',
        '  intake --> triage',
        '  note right of intake',
        '    assign team',
        '    notify 2 users',
        '    notify 1 user, 1 team',
        '  end note',
        '  triage --> review: amount > 10',
        '  triage --> review: amount >= 5',
        '  triage --> rejected: amount < 0',
        '  triage --> rejected: amount <= -1.5',
        '  triage --> approved: amount = free',
        '  triage --> rejected: amount = null',
        '  triage --> approved: amount in (a, 2, true)',
        '  triage --> rejected: amount is empty',
        '  triage --> review: amount is not empty',
        '  triage --> approved: otherwise',
        '  review --> triage',
        '  note right of review',
        '    assign user',
        '    wait 3600 s',
        '    webhook invoice_due',
        '    wait until 2030-01-31 09h30 UTC',
        '    wait until 2030-01-31 10h30m15s UTC',
        '  end note',
        '  approved --> [*]: completed',
        '  note right of approved',
        '    set_submission_status approve',
        '  end note',
        '  rejected --> [*]: failed',
        '  note right of rejected',
        '    set_submission_status reject',
        '  end note',
        '',
      ].join('\n'),
    );
  });

  it('sanitizes values in labels: quotes, colons, semicolons, line breaks, -->, comments; cut to 40 characters', () => {
    const definition = parseWorkflowDefinition({
      format: 1,
      initial: 'a',
      states: {
        a: {
          then: {
            branch: {
              field: 'note_text',
              cases: [
                { when: { equals: 'say "hi": now;\nthen --> go' }, goto: 'b' },
                { when: { equals: "it's %% #35; <b>bold</b> [*] {x}" }, goto: 'b' },
                { when: { equals: 'x'.repeat(100) }, goto: 'b' },
                { when: { equals: 'ünïcødé 😀 text' }, goto: 'b' },
                { when: { equals: ' \n\t ' }, goto: 'b' },
                { when: { equals: 'direction TB' }, goto: 'b' },
                { when: { oneOf: ['a:b', 'c"d', 'e\nf'] }, goto: 'b' },
              ],
              otherwise: 'b',
            },
          },
        },
        b: { then: { end: 'completed' } },
      },
    });
    const lines = linesOf(workflowDiagram(definition));
    expect(lines.slice(2, 9)).toEqual([
      '  a --> b: note_text = say hi now then -- go',
      '  a --> b: note_text = it s 35 b bold /b x',
      `  a --> b: note_text = ${'x'.repeat(39)}…`,
      '  a --> b: note_text = ünïcødé text',
      '  a --> b: note_text = (empty text)',
      '  a --> b: note_text = direction_ TB',
      '  a --> b: note_text in (a b, c d, e f)',
    ]);
    for (const line of lines) {
      const label = line.includes(': ') ? line.slice(line.indexOf(': ') + 2) : '';
      expect(label).not.toMatch(/[:;"#%\n]|-->/);
    }
  });

  it('draws a state named like a Mermaid keyword under an alias', () => {
    const definition = parseWorkflowDefinition({
      format: 1,
      initial: 'note',
      states: {
        note: { actions: [{ type: 'wait', seconds: 5 }], then: { goto: 'state' } },
        state: { then: { goto: 'end' } },
        end: { then: { end: 'completed' } },
      },
    });
    expect(workflowDiagram(definition)).toBe(
      [
        'stateDiagram-v2',
        '  state "note" as _note',
        '  state "state" as _state',
        '  state "end" as _end',
        '  [*] --> _note',
        '  _note --> _state',
        '  note right of _note',
        '    wait 5 s',
        '  end note',
        '  _state --> _end',
        '  _end --> [*]: completed',
        '',
      ].join('\n'),
    );
  });
});
