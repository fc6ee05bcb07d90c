// Spawns the org-data CLI as a user runs it: bundled from src/cli/index.ts once per test file
// by tsup (as `npm run build` does for dist/cli.js; dependencies stay external and resolve from
// node_modules), then run with plain node. Compiling with tsx at every spawn took seconds each.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Where this test file's bundle goes: unique per file and run, removed after the file. */
const outDir = join(root, 'node_modules', '.cache', 'org-data-cli-test', `${process.pid}-${randomBytes(4).toString('hex')}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

let built: Promise<string> | undefined;

/** Bundles the CLI into node_modules/.cache on first use; returns its path. */
function builtCli(): Promise<string> {
  built ??= (async () => {
    await build({
      entry: { cli: join(root, 'src', 'cli', 'index.ts') },
      format: ['esm'],
      outDir,
      outExtension: () => ({ js: '.mjs' }),
      target: 'node20',
      config: false,
      dts: false,
      sourcemap: false,
      splitting: false,
      clean: false,
      silent: true,
    });
    return join(outDir, 'cli.mjs');
  })();
  return built;
}

/** Registers the fake `@aws-sdk/client-secrets-manager` (see fake-aws-sdk/register.mjs). */
export const FAKE_AWS_SDK = join(import.meta.dirname, 'fake-aws-sdk', 'register.mjs');

/** Environment variable the fake SDK reads its secrets from: a JSON object, ARN → secret text. */
export const FAKE_SECRETS_ENV = 'ORG_DATA_TEST_FAKE_SECRETS';

/** The variables the CLI reads: removed from the inherited environment unless given. */
const DATABASE_VARIABLES = [
  'DATABASE_URL',
  'DATABASE_SECRET_ARN',
  'DATABASE_OWNER_URL',
  'DATABASE_OWNER_SECRET_ARN',
  'DATABASE_SSL_MODE',
  'DATABASE_SSL_CA',
];

/** What a CLI run printed and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link cli}. */
export interface CliOptions {
  /** Variables to set (the test run's own DATABASE_* variables are never inherited). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Modules to load before the CLI with `--import`. */
  readonly imports?: readonly string[];
}

/** Runs `org-data ...args`; never throws. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DATABASE_VARIABLES) delete env[name];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const nodeArgs = (options.imports ?? []).flatMap((m) => ['--import', m]);
  const cliPath = await builtCli();
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, cliPath, ...args], { env, cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
