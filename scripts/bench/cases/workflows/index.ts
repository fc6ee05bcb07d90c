// Section "workflows" (issue 14): starting an execution by hand against the same statements with
// raw pg (start-execution.ts); one step through the runner against the raw runner
// (run-step.ts); steps per second through the runner with 1 and 4 runners, and through the raw
// runner the same way (drains.ts, run by the report, BENCH_WORKFLOW_EXECUTIONS executions of three
// steps per drain).
import { cpus } from 'node:os';
import type { BenchGroup } from '../../case.js';
import { median, summarize } from '../../measure.js';
import { ratioTable, resultOf, sideOf } from '../../report.js';
import { RAW_PREPARED } from '../../runner.js';
import { count, markdownTable, step } from '../../support.js';
import { measureDrains, RUNNER_SETTINGS, type DrainRow } from './drains.js';
import { runStep } from './run-step.js';
import { startExecution } from './start-execution.js';
import { cancelOpenExecutions, type WorkflowsWorld } from './world.js';

/** Executions per drain (three steps each), BENCH_WORKFLOW_EXECUTIONS. */
function drainExecutions(): number {
  const text = process.env.BENCH_WORKFLOW_EXECUTIONS ?? '2000';
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 10) throw new Error(`BENCH_WORKFLOW_EXECUTIONS must be an integer >= 10, got ${text}`);
  return value;
}
/** Drains per runner kind and count. */
const DRAIN_ROUNDS = 3;

/** The workflows section. */
export const workflows: BenchGroup = {
  section: 'workflows',
  title: 'Workflows: starting an execution, a step through the runner, steps/s with 1 and 4 runners',
  method:
    `${startExecution.iterations} starts and ${runStep.iterations} runner steps per side after ${startExecution.warmup} / ${runStep.warmup} warm-up iterations; ` +
    `${DRAIN_ROUNDS} drains of BENCH_WORKFLOW_EXECUTIONS executions (3 steps each) per runner kind and count`,
  cases: [startExecution, runStep],
  report: async (results, { setup }) => {
    const latency = (c: typeof startExecution | typeof runStep, operation: string) => [
      { operation: `${operation}, against raw pg (unnamed)`, repo: sideOf(results, c, 'repo'), raw: sideOf(results, c, 'raw') },
      { operation: `${operation}, against raw pg (named, as the package)`, repo: sideOf(results, c, 'repo'), raw: sideOf(results, c, RAW_PREPARED) },
    ];
    const latencies = ratioTable([
      ...latency(startExecution, 'executions.start'),
      ...latency(runStep, 'runner.runOnce, one step'),
    ]);
    const w = resultOf(results, runStep).state as WorkflowsWorld & { statements: number[] };
    const perStep = w.statements.length === 3 ? w.statements.map((n, k) => `step ${k + 1}: ${n}`).join(', ') : 'not recorded';

    // Nothing of the latency cases may be left for the drains' runners.
    const cancelled = await cancelOpenExecutions(setup.pool, w);
    const executions = drainExecutions();
    const drains = await step(`workflows / drains: ${DRAIN_ROUNDS} × 4 of ${count(executions)} executions`, () =>
      measureDrains(setup.db, setup.pool, w, executions, DRAIN_ROUNDS),
    );
    const rateOf = (d: DrainRow) => d.steps / d.seconds;
    const medianOf = (kind: DrainRow['kind'], workers: number) => median(drains.filter((d) => d.kind === kind && d.workers === workers).map(rateOf));
    const rows = (['runner', 'raw'] as const).flatMap((kind) =>
      [1, 4].map((workers) => {
        const mine = drains.filter((d) => d.kind === kind && d.workers === workers);
        const rates = mine.map(rateOf).sort((a, b) => a - b);
        const cpuPerStep = median(mine.map((d) => (d.clientCpuSeconds / d.steps) * 1e6));
        const cpuShare = median(mine.map((d) => (100 * d.clientCpuSeconds) / d.seconds));
        return [
          kind === 'runner' ? 'createWorkflowRunner' : 'raw runner (raw pg, named statements)',
          String(workers),
          rates.map((r) => r.toFixed(0)).join(' / '),
          medianOf(kind, workers).toFixed(0),
          (medianOf(kind, workers) / medianOf(kind, 1)).toFixed(2),
          kind === 'runner' ? (medianOf('runner', workers) / medianOf('raw', workers)).toFixed(3) : '—',
          `${cpuPerStep.toFixed(0)} (${cpuShare.toFixed(0)}% of a CPU)`,
        ];
      }),
    );
    const throughput = markdownTable(
      ['runner', 'runners', 'steps/s per drain', 'median steps/s', 'vs 1 runner', 'runner / raw runner', 'client CPU µs per step (median)'],
      rows,
      1,
    );
    const start = summarize(sideOf(results, startExecution, 'repo'));
    return [
      latencies,
      '',
      `executions.start: one tenant unit of work of 6 statements (begin with the tenant; the manual trigger with the published version; the execution; ` +
        `its audit row, event and outbox message in one statement; its first step; commit), median ${start.median.toFixed(0)} µs. ` +
        `runner.runOnce with batches of one: the schedule poll (begin, SELECT, commit), the claim, then the step's transaction; ` +
        `statements per step, transaction control included: ${perStep} (the first step also starts the execution, the last queues no step). ` +
        'Both latency cases connect as the benchmark owner (row-level security bypassed), as every latency case does.',
      '',
      `End to end: ${count(executions)} executions of three notify steps each per drain (${count(3 * executions)} steps), spread over ` +
        `${w.organizationIds.length} organizations, started through the package before the timer; runners connected as a login role granted ` +
        `org_data_worker (row-level security on), each on a pool of its own, concurrency ${RUNNER_SETTINGS.concurrency}, batches of ` +
        `${RUNNER_SETTINGS.batchSize}, idle polls every ${RUNNER_SETTINGS.pollIntervalMs} ms; timed until no step is pending or running. ` +
        `Every execution completed with each step at its first attempt. Client CPU: this process's CPU time over the drain (all its runners run ` +
        `in this one process, on ${cpus().length} CPUs shared with the server), per step. (${count(cancelled)} unfinished executions of the latency cases ` +
        'cancelled first; an untimed warm-up drain of a tenth of the executions per runner kind.)',
      '',
      throughput,
    ].join('\n');
  },
};
