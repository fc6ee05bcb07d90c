// documents.addVersion: the special case of the documents group. Its sides are one successful
// add to the first hot document (read, addVersion, retry on conflict; versions.ts), and its
// check compares the statements of both sides, on the winning path and on the conflict path,
// with the same expected list; but what it measures is throughput under concurrent writers
// (concurrent-writers.ts), which replaces the interleaved loop. Its measurement first takes the
// plans of the reads (plans.ts): after their timing, before the writers leave thousands of
// versions and dead rows on the hot documents.
import assert from 'node:assert/strict';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { measureWrites, ROUNDS, verifyVersions } from './concurrent-writers.js';
import { seedDocuments, type DocumentsData } from './documents-data.js';
import { explainReads } from './plans.js';
import { READS } from './read-cases.js';
import { addStatements, adder, conflictStatements, newObject, RawConflict, rawAddVersion, type Added, type NewObject } from './versions.js';

const addTo = (side: 'repo' | 'raw'): Side<DocumentsData> => (d, on) => {
  const add = adder(side, on, d.actorId);
  return () => add(d.hotIds[0]!);
};

/** One stale addVersion (expectedVersion one behind); returns the conflict error. */
const stale = (side: 'repo' | 'raw', expectedVersion: number): Side<DocumentsData> => (d, on) => async () => {
  const id = d.hotIds[0]!;
  const object = newObject(id);
  const attempt =
    side === 'repo'
      ? createRepositories(on.db, { actorUserId: d.actorId }).documents.addVersion(id, { expectedVersion, ...object })
      : rawAddVersion(on.pool, d.actorId, id, expectedVersion, object);
  const error = await attempt.then(
    () => assert.fail(`${side}: a stale addVersion succeeded`),
    (e: unknown) => e,
  );
  assert.ok(side === 'repo' ? error instanceof VersionConflictError : error instanceof RawConflict, `${side}: conflict error`);
  return object;
};

/** documents.addVersion: one add both ways, checked; measured by concurrent writers. */
export const addVersion = defineCase<DocumentsData>({
  name: 'documents.addVersion',
  seed: seedDocuments,
  repo: addTo('repo'),
  raw: addTo('raw'),
  sameSql: async (d, check) => {
    const id = d.hotIds[0]!;
    for (const side of ['repo', 'raw'] as const) {
      const { result, sent } = await check.run(addTo(side), 0);
      const added = result as Added;
      assert.equal(added.conflicts, 0, `addVersion (${side}): no conflict without concurrency`);
      d.added.set(id, (d.added.get(id) ?? 0) + 1);
      check.expect(sent, addStatements(d.organizationId, d.actorId, added), `addVersion (${side})`);
      const current = added.expectedVersion + 1;
      const conflict = await check.run(stale(side, current - 1), 0);
      check.expect(conflict.sent, conflictStatements(d.actorId, id, current - 1, conflict.result as NewObject), `addVersion conflict (${side})`);
    }
    await verifyVersions(check.on.pool, d.added);
  },
  iterations: ROUNDS,
  warmup: 1,
  measure: async (d, open) => {
    const plans = await explainReads(
      d.url,
      d.organizationId,
      d.samples,
      READS.map((read) => ({ kind: read.kind, label: read.case.name })),
    );
    return { plans, ...(await measureWrites(d, open)) };
  },
});
