// What one run of the benchmark does: the mode (timing, or --verify), the sections, and the
// sizes of the seeded data. Timing sizes default to the and can be changed from the
// environment; --verify always uses the tiny sizes below, so CI runs the same checks every time.

/** The sections of the benchmark (groups of cases), in the order they run. */
const SECTIONS = ['identity', 'verify', 'tenant', 'queue', 'history', 'documents', 'events', 'encryption', 'forms', 'workflows', 'replicas'] as const;

/** One section of the benchmark. */
export type Section = (typeof SECTIONS)[number];

/** Sizes of the seeded data and of the samples the cases draw their inputs from. */
export interface Sizes {
  /** Organizations seeded with seedDevData (the identity, verify and tenant cases' data). */
  readonly organizations: number;
  /** Users per seeded organization. */
  readonly usersPerOrganization: number;
  /** Users the identity and tenant reads cycle over. */
  readonly sampleUsers: number;
  /** Staff profiles generated for the pending queue (10% pending), BENCH_PROFILES. */
  readonly profiles: number;
  /** The deep page of the pending queue, BENCH_QUEUE_PAGE. */
  readonly queuePage: number;
  /** Audit rows generated for the entity history, BENCH_AUDIT_ROWS. */
  readonly auditRows: number;
  /** Distinct entities the audit rows are spread over, BENCH_AUDIT_ENTITIES. */
  readonly auditEntities: number;
  /** Monthly partitions the audit rows are spread over, BENCH_AUDIT_MONTHS. */
  readonly auditMonths: number;
  /** Entities the history reads cycle over. */
  readonly sampleEntities: number;
  /** Entities whose history the same-SQL check compares. */
  readonly checkedEntities: number;
  /** Documents generated, BENCH_DOCUMENTS. */
  readonly documents: number;
  /** Clients the documents are spread over, BENCH_CLIENTS. */
  readonly clients: number;
  /** Clients the document reads cycle over. */
  readonly sampleClients: number;
}

/** One run: `timing` measures every case; `verify` runs only the same-SQL and same-results checks. */
export interface BenchConfig {
  readonly mode: 'timing' | 'verify';
  /** Sections to run: `--only a,b`, else BENCH_SECTIONS (comma-separated; default all). */
  readonly sections: ReadonlySet<Section>;
  readonly sizes: Sizes;
  /**
   * Whether repository statements sent unnamed where the raw prepared side names them fail
   * the run (`--verify`; `--allow-unnamed` lists them without failing). Timing runs list them
   * in the summary and go on.
   */
  readonly failOnUnnamed: boolean;
  /** The 16-caller throughput runs (timing: `--no-throughput` skips them; --verify: a smoke of a few calls). */
  readonly throughput: boolean;
  /** Rounds per side of each throughput case, BENCH_THROUGHPUT_ROUNDS (default 5). */
  readonly throughputRounds: number;
  /** Seconds per round, BENCH_THROUGHPUT_SECONDS (default 2). */
  readonly throughputSeconds: number;
  /**
   * `--noise`: a second raw prepared side in every loop where it can run (not verify, whose raw
   * prepared side consumes exactly the profiles it prepared), reported against the first: the
   * same code twice, so what its ratio moves from 1.000 is the loop's noise (timing runs only).
   */
  readonly noise: boolean;
  /**
   * `--blocks <n>`: the latency loops run each side `n` consecutive calls (the same `n` inputs)
   * before the next side's turn, instead of one call per side per iteration (default 1: the
   * loop the targets of issue 9 are measured with). Every side still gets every input once and
   * the sides still take turns in a seeded random order; what changes is how much of the other
   * sides' code runs between two calls of one side (timing runs only).
   */
  readonly block: number;
  /**
   * `--warmup <n>`: every latency loop runs at least `n` unrecorded warm-up iterations (a case
   * that declares more keeps its own). 0 by default: each case's own warm-up (timing runs only).
   */
  readonly warmup: number;
}

/** The sizes of `--verify`: every check on every case, in seconds. */
const TINY: Sizes = {
  organizations: 2,
  usersPerOrganization: 30,
  sampleUsers: 12,
  // 10 organizations of 600 profiles, 60 pending each: three pages of 20.
  profiles: 6000,
  queuePage: 3,
  auditRows: 2000,
  auditEntities: 40,
  auditMonths: 2,
  sampleEntities: 10,
  checkedEntities: 10,
  documents: 1000,
  clients: 10,
  sampleClients: 10,
};

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

function timingSizes(env: NodeJS.ProcessEnv): Sizes {
  const clients = intFromEnv(env, 'BENCH_CLIENTS', 1000, 10);
  const documents = intFromEnv(env, 'BENCH_DOCUMENTS', 1_000_000, 1000);
  if (documents < clients * 50) throw new Error(`BENCH_DOCUMENTS must be at least 50 per client (${clients * 50})`);
  return {
    organizations: 10,
    usersPerOrganization: 5000,
    sampleUsers: 200,
    profiles: intFromEnv(env, 'BENCH_PROFILES', 1_000_000, 1000),
    queuePage: intFromEnv(env, 'BENCH_QUEUE_PAGE', 500, 2),
    auditRows: intFromEnv(env, 'BENCH_AUDIT_ROWS', 10_000_000, 10_000),
    auditEntities: intFromEnv(env, 'BENCH_AUDIT_ENTITIES', 100_000, 100),
    auditMonths: intFromEnv(env, 'BENCH_AUDIT_MONTHS', 24, 2),
    sampleEntities: 1000,
    checkedEntities: 50,
    documents,
    clients,
    sampleClients: 200,
  };
}

const USAGE = 'known: --verify, --only <section,…>, --allow-unnamed, --no-throughput, --noise, --blocks <n>, --warmup <n>';

/** The flags that take a value, written `--flag=value`. */
const VALUE_FLAG = /^--(?:only|blocks|warmup)=/;

/** The value of flag `flag` (`--blocks`, `--warmup`): a whole number, `min` or more. */
function wholeNumber(flag: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!text || !Number.isInteger(value) || value < min) throw new Error(`${flag} needs a whole number >= ${min}, got ${text ?? 'nothing'}`);
  return value;
}

function parseSections(text: string, from: string): Section[] {
  const requested = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of requested) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new Error(`${from}: unknown section ${name} (known: ${SECTIONS.join(', ')})`);
    }
  }
  return requested as Section[];
}

/**
 * Reads the mode and options from `argv` (`--verify`, `--only identity,verify` or
 * `--only=identity`, `--allow-unnamed`, `--no-throughput`, `--noise`, `--blocks 100` or
 * `--blocks=100`, `--warmup 3000` or `--warmup=3000`) and the sections and sizes from
 * `env` (`--only` wins over BENCH_SECTIONS).
 */
export function readConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchConfig {
  let only: Section[] | undefined;
  const flags = new Set<string>();
  let block = 1;
  let warmup = 0;
  // `--flag=value` is read as `--flag value`.
  const args = argv.flatMap((arg) => (VALUE_FLAG.test(arg) ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]));
  for (let k = 0; k < args.length; k += 1) {
    const arg = args[k]!;
    if (arg === '--only') {
      const value = args[++k];
      if (!value) throw new Error(`--only needs a section list (${SECTIONS.join(', ')})`);
      only = [...(only ?? []), ...parseSections(value, '--only')];
    } else if (arg === '--blocks') {
      block = wholeNumber('--blocks', args[++k], 1);
    } else if (arg === '--warmup') {
      warmup = wholeNumber('--warmup', args[++k], 0);
    } else if (arg === '--verify' || arg === '--allow-unnamed' || arg === '--no-throughput' || arg === '--noise') {
      flags.add(arg);
    } else {
      throw new Error(`unknown argument ${arg} (${USAGE})`);
    }
  }
  const requested = only ?? parseSections(env.BENCH_SECTIONS ?? SECTIONS.join(','), 'BENCH_SECTIONS');
  const verify = flags.has('--verify');
  return {
    mode: verify ? 'verify' : 'timing',
    sections: new Set(requested),
    sizes: verify ? TINY : timingSizes(env),
    failOnUnnamed: verify && !flags.has('--allow-unnamed'),
    throughput: verify || !flags.has('--no-throughput'),
    throughputRounds: intFromEnv(env, 'BENCH_THROUGHPUT_ROUNDS', 5, 1),
    throughputSeconds: intFromEnv(env, 'BENCH_THROUGHPUT_SECONDS', 2, 1),
    noise: !verify && flags.has('--noise'),
    block: verify ? 1 : block,
    warmup: verify ? 0 : warmup,
  };
}
