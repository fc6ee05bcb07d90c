// Runs an entry file of the package in a fresh Node process and records every module that
// process resolves, through a `module.register` resolve hook. Used to prove which third-party
// packages an entry point pulls in (e.g. that `@org/data/schemas` loads neither pg nor kysely).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root, where `tsx` resolves from. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/**
 * The resolve hook, as an ES module source. It runs on Node's hooks thread, after tsx's own hooks
 * have been registered, so it sees each specifier first and the URL tsx and Node resolve it to.
 * It appends one JSON line per resolution to the log file handed over by `initialize`.
 */
const HOOK_SOURCE = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, JSON.stringify({ specifier, url: result.url, parent: context.parentURL ?? null }) + '\\n');
  return result;
}
`;

/** One resolution the hook saw. */
interface Resolution {
  /** The specifier as written in the importing module, e.g. `pg` or `./page.js`. */
  specifier: string;
  /** The URL Node resolved it to. */
  url: string;
  /** The importing module's URL (null for the entry itself). */
  parent: string | null;
}

/** What a fresh process did when it imported an entry. */
export interface LoadReport {
  /** Every resolution, in order. */
  resolutions: Resolution[];
  /** The sorted names of the exports the entry module has. */
  exportNames: string[];
  /** What the probe expression evaluated to, through JSON. */
  probe: unknown;
}

/**
 * Starts `node --import tsx`, registers the recording hook, imports `entryPath` (a TypeScript
 * source file, absolute path) and evaluates `probeExpression` with the module bound to `mod`.
 */
export async function loadInFreshProcess(entryPath: string, probeExpression = 'null'): Promise<LoadReport> {
  const dir = await mkdtemp(join(tmpdir(), 'org-data-loads-'));
  const log = join(dir, 'resolutions.jsonl');
  const script = `
    import { register } from 'node:module';
    import { pathToFileURL } from 'node:url';
    import { writeFileSync } from 'node:fs';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`)}, {
      data: { log: ${JSON.stringify(log)} },
    });
    writeFileSync(${JSON.stringify(log)}, '');
    const mod = await import(pathToFileURL(${JSON.stringify(entryPath)}).href);
    const probe = await (async () => (${probeExpression}))();
    process.stdout.write(JSON.stringify({ exportNames: Object.keys(mod).sort(), probe }));
  `;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env,
    });
    const { exportNames, probe } = JSON.parse(stdout) as Pick<LoadReport, 'exportNames' | 'probe'>;
    const text = await readFile(log, 'utf8');
    const resolutions = text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Resolution);
    return { resolutions, exportNames, probe };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Who imported `pkg` from outside it: one line `<importer> imports <specifier>` per resolution of
 * `pkg` or a subpath of it whose importer is not a file of `pkg` itself (paths relative to the
 * repository root).
 */
export function importersOf(report: LoadReport, pkg: string): string[] {
  const bare = new RegExp(`^${pkg.replace(/[/.]/g, '\\$&')}(?:/|$)`);
  const inside = `/node_modules/${pkg}/`;
  const root = pathToFileURL(REPO_ROOT).href;
  return report.resolutions
    .filter((r) => bare.test(r.specifier) && !(r.parent ?? '').includes(inside))
    .map((r) => `${(r.parent ?? '(entry)').replace(root, '')} imports ${r.specifier}`);
}
