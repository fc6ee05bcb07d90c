// Section "forms" (issue 13): a 50-field submission made and submitted through the package
// against the same writes by hand (create-submit.ts); the compiled validator of that form in a
// loop (µs per submission, no database); a form's submitted queue at page 1 and at page
// BENCH_QUEUE_PAGE by keyset (queue-pages.ts).
import { compileFormDefinition } from '../../../../src/contexts/forms/definitions/compile-form-definition.js';
import type { BenchGroup } from '../../case.js';
import { summarize, us } from '../../measure.js';
import { resultOf, sideOf } from '../../report.js';
import { explain } from '../../explain.js';
import { count, markdownTable, openConnections } from '../../support.js';
import { fieldsDefinition } from '../../../../test/helpers/form-definitions.js';
import { createSubmit } from './create-submit.js';
import { formQueuePages, queueQuery } from './queue-pages.js';
import { FIELDS, type FormsWorld } from './seed.js';

/** Validations timed in the loop. */
const LOOP = 20_000;

/** The forms section. */
export const forms: BenchGroup = {
  section: 'forms',
  title: 'Forms: create + submit a 50-field submission, validation, the submission queue',
  method: `${createSubmit.iterations} create+submit and ${formQueuePages.iterations} queue calls per side after ${createSubmit.warmup} / ${formQueuePages.warmup} warm-up iterations; ${LOOP} validations in a loop`,
  cases: [createSubmit, formQueuePages],
  report: async (results, { url }) => {
    const ratio = (a: { median: number }, b: { median: number }) => (a.median / b.median).toFixed(3);
    const row = (label: string, side: { median: number; p99: number }, base: { median: number; p99: number }) => [label, us(side.median), us(side.p99), ratio(side, base)];
    const repo = summarize(sideOf(results, createSubmit, 'repo'));
    const raw = summarize(sideOf(results, createSubmit, 'raw'));
    const writes = markdownTable(
      ['create + submit, 50 fields', 'median', 'p99', 'median ratio to raw pg'],
      [row('raw pg, the same writes by hand (no validation)', raw, raw), row('submissions.create + submit', repo, raw)],
    );
    const q = {
      repo1: summarize(sideOf(results, formQueuePages, 'repoPage1')),
      raw1: summarize(sideOf(results, formQueuePages, 'rawPage1')),
      repoN: summarize(sideOf(results, formQueuePages, 'repo')),
      rawN: summarize(sideOf(results, formQueuePages, 'raw')),
    };
    const w = resultOf(results, formQueuePages).state as FormsWorld;
    const queue = markdownTable(
      ['submitted queue (tenant unit of work)', 'page 1 median', `page ${w.page} median`, `page ${w.page} / page 1`, 'ratio to raw pg (page 1, deep)'],
      [
        ['submissions.queue', us(q.repo1.median), us(q.repoN.median), `**${ratio(q.repoN, q.repo1)}×**`, `${ratio(q.repo1, q.raw1)}, ${ratio(q.repoN, q.rawN)}`],
        ['raw pg, the same SQL', us(q.raw1.median), us(q.rawN.median), `${ratio(q.rawN, q.raw1)}×`, '—'],
      ],
    );
    // The plans of the two pages: the queue index, read from the cursor on, both times.
    const on = openConnections(url);
    const plans: string[][] = [];
    try {
      for (const [label, cursor] of [['page 1', null], [`page ${w.page}`, w.deepCursor]] as const) {
        const plan = await explain(on.pool, ...queueQuery(w, cursor));
        const scans = plan.scans.map((sc) => `${sc.relation}${sc.index ? ` via ${sc.index}` : ''}: ${count(Math.round(sc.rows))} rows`);
        plans.push([label, plan.shape, scans.join('; '), count(plan.buffers), plan.executionMs.toFixed(2)]);
      }
    } finally {
      await on.close();
    }
    const planTable = markdownTable(['query', 'plan', 'scans', 'buffers', 'execution ms'], plans);
    // The compiled validator of the measured form, in this process.
    const compiled = compileFormDefinition(fieldsDefinition(FIELDS));
    for (let i = 0; i < 2000; i += 1) compiled.validate(w.values, 'submit');
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOP; i += 1) compiled.validate(w.values, 'submit');
    const perValidation = Number(process.hrtime.bigint() - start) / 1000 / LOOP;
    return `${writes}\n\nThe raw side sends its own (equivalent) statements, not the package's: its ratio is the cost of validation, the re-read before submit and the package's JavaScript; the summary's raw-prepared columns compare with those statements named.\n\n${queue}\n\n${planTable}\n\nThe ${w.queued.toLocaleString('en')} submitted submissions of one form; keyset on (status_changed_at, id).\n\nValidating a ${FIELDS}-field submission in full (compiled, cached validator): **${perValidation.toFixed(1)} µs** (mean of ${LOOP}).`;
  },
};
