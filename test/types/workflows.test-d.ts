// Type tests of `@org/data/workflows` (entry: src/contexts/workflows/index.ts, package.json exports "./workflows").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB, UnitOfWork } from '../../src/index.js';
import {
  createWorkflowExecutions,
  createWorkflowRepository,
  EXECUTION_STATES,
  type WorkflowDefinitionInput,
  type WorkflowExecution,
  type WorkflowExecutions,
  type WorkflowRepository,
  type WorkflowTrigger,
} from '../../src/contexts/workflows/index.js';

declare const db: Kysely<DB>;
declare const uow: UnitOfWork;

describe('@org/data/workflows', () => {
  it('workflows: a repository from a Kysely<DB>, and on a unit of work', () => {
    expectTypeOf(createWorkflowRepository(db)).toEqualTypeOf<WorkflowRepository>();
    expectTypeOf(uow.workflows).toEqualTypeOf<WorkflowRepository>();
    expectTypeOf<WorkflowRepository['addTrigger']>().returns.toEqualTypeOf<Promise<WorkflowTrigger>>();
  });

  it('executions take the unit of work; their status is one of EXECUTION_STATES', () => {
    expectTypeOf(createWorkflowExecutions()).toEqualTypeOf<WorkflowExecutions>();
    expectTypeOf<WorkflowExecutions['get']>().returns.toEqualTypeOf<Promise<WorkflowExecution | undefined>>();
    expectTypeOf<WorkflowExecution['status']>().toEqualTypeOf<(typeof EXECUTION_STATES)[number]>();
  });

  it('a definition names an action type of the vocabulary', () => {
    const definition: WorkflowDefinitionInput = { format: 1, initial: 'a', states: { a: { actions: [{ type: 'wait', seconds: 5 }], then: { end: 'completed' } } } };
    void definition;
    // @ts-expect-error not an action of the vocabulary
    const bad: WorkflowDefinitionInput = { format: 1, initial: 'a', states: { a: { actions: [{ type: 'run_code' }], then: { end: 'completed' } } } };
    void bad;
  });
});
