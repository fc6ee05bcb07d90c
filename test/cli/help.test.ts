// The command line itself: --version, help, unknown commands and options. No database.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
const COMMANDS = ['migrate', 'rollback', 'status', 'seed', 'audit-partitions', 'doctor'];

describe('org-data without a database', () => {
  it('--version prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('help, -h and --help list every command on stdout and exit 0', async () => {
    for (const args of [['help'], ['--help']]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(result.stdout).toContain('DATABASE_OWNER_URL');
    }
  }, 60_000);

  it('help <command> and <command> --help print the same command help', async () => {
    const help = await cli(['help', 'doctor']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: org-data doctor \[--months-ahead N\]/);
    expect(help.stdout).toContain('Exit code: 0 no problem');
    expect(await cli(['doctor', '--help'])).toEqual(help);
    expect((await cli(['rollback', '-h'])).stdout).toMatch(/^Usage: org-data rollback --steps N \| --to NAME/);
  });

  it('an unknown command, option or help topic prints the usage on stderr and exits 64, running nothing', async () => {
    // Before 0.7.0 an unknown command ran `seed`: here it must not even read the configuration.
    for (const args of [['frobnicate'], ['help', 'frobnicate'], [], ['migrate', '--frobnicate']]) {
      const result = await cli(args, { env: { DATABASE_URL: 'postgres://app:changeme@db.invalid/x' } });
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^org-data: /);
      expect(result.stderr).toContain('Usage: org-data');
      expect(result.stderr).not.toContain('DATABASE_URL.password');
    }
    expect((await cli(['frobnicate'])).stderr).toContain('unknown command "frobnicate"');
  }, 60_000);
});
