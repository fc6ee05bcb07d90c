// The `sameSql` tools: recording connections on both sides, and the comparison of what each
// side sent. Both sides' pools record every `client.query` as pg receives it (Kysely runs every
// statement through it, `begin`/`commit` included), so the two lists are recorded the same way
// and come from the calls themselves, not from a restated expectation.
//
// Three sides, one run each: the raw side runs once, on a pool that names its statements as the
// raw prepared side's pools do (prepared.ts), so one recording checks both raw sides. The unnamed
// raw side is the same code on a pool that does not name: it sends the recorded texts and
// parameters, names aside. So: texts and parameters must be the repository's (both raw sides),
// and each repository statement must carry the name the raw prepared side gives it
// (`od_<sha256>`, none for transaction control). A repository statement sent unnamed where the
// raw prepared side names it (a statement not yet declared with compiledQuery) is collected, not
// thrown, so one run lists them all (`unnamed()`); the runner decides whether they fail the run.
import assert from 'node:assert/strict';
import type { AnyCase, Check, CompareOptions, Recorded, Side } from './case.js';
import type { Sizes } from './config.js';
import { preparedNameOf } from './prepared.js';
import { createRecordingDatabase, createRecordingPool, type Connections, type SentQuery } from './support.js';

/** A repository statement sent unnamed where the raw prepared side names it. */
export interface UnnamedStatement {
  /** Which comparison saw it (the case's `what`). */
  readonly what: string;
  /** The statement's text, as the repository sent it. */
  readonly sql: string;
  /** The name the raw prepared side gives it. */
  readonly expected: string;
}

/** A {@link Check} for one case, and how many statements it compared. */
export interface CaseCheck<S> extends Check<S> {
  /** Statements compared so far (both sides' lists counted once). */
  readonly compared: () => number;
  /** Repository statements sent unnamed where raw prepared names them (one entry per text). */
  readonly unnamed: () => readonly UnnamedStatement[];
  close(): Promise<void>;
}

/** Replaces each masked value's text by `<masked k>` wherever it occurs in a parameter. */
function masker(values: readonly unknown[]): (parameter: unknown) => unknown {
  const texts = values
    .map((value, k) => ({ text: value instanceof Date ? value.toISOString() : String(value), token: `<masked ${k + 1}>` }))
    .filter(({ text }) => text.length > 0)
    .sort((a, b) => b.text.length - a.text.length);
  return (parameter) => {
    let text: string;
    if (parameter instanceof Date) text = parameter.toISOString();
    else if (typeof parameter === 'string') text = parameter;
    else if (typeof parameter === 'number') return texts.find((t) => t.text === String(parameter))?.token ?? parameter;
    else return parameter;
    for (const { text: value, token } of texts) text = text.replaceAll(value, token);
    return text;
  };
}

/** Where {@link assertSameStatements} reports repository statements sent unnamed. */
type UnnamedSink = (statement: UnnamedStatement) => void;

/**
 * Fails unless `raw` holds `repo`'s statements: the texts first (clearer diff), then the
 * parameters, then the names (see the file's comment; `raw`'s names are ignored and recomputed
 * from its texts, so a restated list without names compares the same way).
 */
function assertSameStatements(
  repo: readonly SentQuery[],
  raw: readonly SentQuery[],
  what: string,
  unnamed: UnnamedSink,
  options: Pick<CompareOptions, 'repoText'> & { repoMask?: (p: unknown) => unknown; rawMask?: (p: unknown) => unknown } = {},
): void {
  const repoText = options.repoText ?? ((text: string) => text);
  assert.deepEqual(
    raw.map((q) => q.sql),
    repo.map((q, i) => repoText(q.sql, i)),
    `${what}: the raw side's SQL (+) differs from the repository's (-); update the case's raw SQL`,
  );
  const repoMask = options.repoMask ?? ((p: unknown) => p);
  const rawMask = options.rawMask ?? ((p: unknown) => p);
  repo.forEach((q, i) =>
    assert.deepEqual(
      raw[i]!.parameters.map(rawMask),
      q.parameters.map(repoMask),
      `${what}: parameters of statement ${i + 1} (${q.sql.slice(0, 60)}…): raw side (+) differs from the repository (-)`,
    ),
  );
  repo.forEach((q, i) => {
    const rawSql = raw[i]!.sql;
    const expected = preparedNameOf(rawSql);
    if (raw[i]!.name !== undefined && raw[i]!.name !== expected) {
      assert.fail(`${what}: statement ${i + 1}: the raw prepared pool named it ${raw[i]!.name}, expected ${expected ?? 'no name'}`);
    }
    if (q.name === expected) return;
    const statement = `statement ${i + 1} (${q.sql.replace(/\s+/g, ' ').slice(0, 100)}…)`;
    if (q.name === undefined && expected !== undefined) {
      unnamed({ what, sql: q.sql, expected });
      return;
    }
    if (expected === undefined) {
      assert.fail(`${what}: ${statement}: the repository named transaction control ${q.name}; the driver sends it unnamed`);
    }
    // Texts compared up to `repoText` (whitespace): the names hash different texts; both named is what counts.
    if (q.sql !== rawSql) return;
    assert.fail(`${what}: ${statement}: the repository named it ${q.name}, the raw prepared side ${expected}`);
  });
}

/** The check tools of case `c` with state `state`; `on` are the case's fresh connections. */
export function createCheck<S>(url: string, sizes: Sizes, c: AnyCase, state: S, on: Connections): CaseCheck<S> {
  const logging = createRecordingDatabase(url);
  const recording = createRecordingPool(url, { named: true });
  const recorded: Connections = { db: logging.db, pool: recording.pool, close: async () => undefined };
  let compared = 0;
  const unnamed = new Map<string, UnnamedStatement>();
  const sink: UnnamedSink = (statement) => {
    if (!unnamed.has(statement.sql)) unnamed.set(statement.sql, statement);
  };

  const run = async (side: Side<S>, i: number): Promise<Recorded> => {
    logging.sent.length = 0;
    recording.sent.length = 0;
    const result = await side(state, recorded)(i);
    return { result, sent: [...logging.sent, ...recording.sent] };
  };

  const compare = async (repoSide: Side<S>, rawSide: Side<S>, i: number, what: string, options: CompareOptions = {}) => {
    const repo = await run(repoSide, i);
    const raw = await run(rawSide, i);
    assert.ok(repo.sent.length > 0, `${what}: the repository side sent nothing`);
    assertSameStatements(repo.sent, raw.sent, what, sink, {
      repoText: options.repoText,
      ...(options.mask ? { repoMask: masker(options.mask(repo.result)), rawMask: masker(options.mask(raw.result)) } : {}),
    });
    compared += repo.sent.length;
    if (options.results) options.results(repo.result, raw.result);
    else assert.deepEqual(raw.result, repo.result, `${what}: the raw side returned (+) other rows than the repository (-)`);
    return { repo: repo.result, raw: raw.result };
  };

  return {
    on,
    sizes,
    run,
    compare,
    same: (i, options) => {
      if (!c.repo) throw new Error(`${c.name}: a raw-only case has no repository side to compare`);
      return compare(c.repo, c.raw, i, c.name, options);
    },
    expect: (sent, expected, what) => {
      const statements = expected.map(([sql, parameters]) => ({ sql, parameters }));
      assertSameStatements(sent, statements, what, sink);
      compared += sent.length;
    },
    compared: () => compared,
    unnamed: () => [...unnamed.values()],
    close: async () => {
      await recording.pool.end();
      await logging.db.destroy();
    },
  };
}
