// Section "events" (issue 11): what emitting an event adds to verify (emission.ts), and events
// per second through the worker with 1 and 4 workers (worker-throughput.ts, run by the report).
import { markdownTable } from '../../support.js';
import type { BenchGroup } from '../../case.js';
import { summarize } from '../../measure.js';
import { resultOf, sideOf } from '../../report.js';
import { verifyEmission } from './emission.js';
import { measureWorkerThroughput } from './worker-throughput.js';

/** Events per drain, and drains per worker count. */
const DRAIN_EVENTS = Number(process.env.BENCH_WORKER_EVENTS ?? 5000);
const DRAIN_ROUNDS = 3;

/** The events section. */
export const events: BenchGroup = {
  section: 'events',
  title: 'Domain events: the cost of emitting one, and the worker',
  method: `${verifyEmission.iterations} verifications per side after ${verifyEmission.warmup} warm-up iterations; ${DRAIN_ROUNDS} drains of ${DRAIN_EVENTS} events per worker count`,
  cases: [verifyEmission],
  report: async (results, { url, setup }) => {
    const withEvent = summarize(sideOf(results, verifyEmission, 'raw'));
    const withEventPrepared = summarize(sideOf(results, verifyEmission, 'withEventPrepared'));
    const repo = summarize(sideOf(results, verifyEmission, 'repo'));
    const without = summarize(sideOf(results, verifyEmission, 'withoutEvent'));
    const withoutPrepared = summarize(sideOf(results, verifyEmission, 'withoutEventPrepared'));
    const ratio = withEventPrepared.median / withoutPrepared.median;
    const row = (label: string, side: { median: number; p99: number }, base: { median: number }) => [
      label,
      side.median.toFixed(1),
      side.p99.toFixed(1),
      (side.median / base.median).toFixed(3),
    ];
    const emission = markdownTable(
      ['staffProfiles.verify', 'median µs', 'p99 µs', 'median ratio to the same kind without'],
      [
        row('prepared, without the event (0.7.0 statement)', withoutPrepared, withoutPrepared),
        row('prepared, with the event and its outbox message', withEventPrepared, withoutPrepared),
        row('repository (prepared, with the event)', repo, withoutPrepared),
        row('unnamed, without the event', without, without),
        row('unnamed, with the event', withEvent, without),
      ],
    );
    const verdict = `- emitting the event (prepared, as the package sends it): median ratio ${ratio.toFixed(3)} ${ratio <= 1.15 ? 'meets' : 'does NOT meet'} the target (<= 1.15); unnamed (planned every call): ${(withEvent.median / without.median).toFixed(3)}`;
    const { organizations } = resultOf(results, verifyEmission).state as { organizations: readonly string[] };
    const drains = await measureWorkerThroughput(url, setup.pool, organizations.slice(0, 4), DRAIN_EVENTS, DRAIN_ROUNDS);
    const byWorkers = [1, 4].map((workers) => {
      const mine = drains.filter((d) => d.workers === workers);
      const rates = mine.map((d) => d.events / d.seconds).sort((a, b) => a - b);
      return [String(workers), rates.map((r) => r.toFixed(0)).join(' / '), rates[Math.floor(rates.length / 2)]!.toFixed(0)];
    });
    const throughput = markdownTable(['workers', 'events/s per drain', 'median events/s'], byWorkers);
    return `${emission}\n\n${verdict}\n\nEnd to end through the worker (dispatch, delivery, a handler that writes one row):\n\n${throughput}`;
  },
};
