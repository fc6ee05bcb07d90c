import { migrationStatus } from '../../core/migrations/status.js';
import { defineCommand, noPositionals } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `org-data status`: where the database stands against the shipped migrations. */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'list applied, pending, mismatched and unknown migrations',
  synopsis: 'status [--sql]',
  details: [
    'Lists the migrations: applied, MISMATCHED (changed since applied), unknown (applied by a',
    'newer release) and pending. Reads the tracking table, so it runs as the owner connection.',
    '',
    '  --sql                    also print the SQL of the pending migrations',
    '',
    'Exit code: 0 up to date, 3 migrations pending, 4 an applied migration changed.',
  ],
  options: { sql: { type: 'boolean' } },
  parse(args) {
    noPositionals(args);
    return { sql: args.values.sql === true };
  },
  async run(input, context) {
    const db = context.open(await context.loadConfig('owner'));
    const status = await migrationStatus(db);
    const lines = [
      ...status.applied.map((m) => `applied     ${m.name}  ${m.appliedAt.toISOString()}  ${m.durationMs} ms`),
      ...status.mismatched.map((m) => `MISMATCHED  ${m.name}  (changed since applied: ${m.changedFiles.join(', ')})`),
      ...status.unknown.map((m) => `unknown     ${m.name}  (applied by a newer release)`),
      ...status.pending.map((m) => `pending     ${m.name}${m.transactional ? '' : '  (no transaction)'}`),
    ];
    context.io.out(lines.length > 0 ? lines.join('\n') : 'no migrations');
    if (input.sql) {
      for (const m of status.pending) context.io.out(`\n-- ${m.name}\n${m.sql.trimEnd()}`);
    }
    if (status.mismatched.length > 0) return EXIT.mismatched;
    return status.pending.length > 0 ? EXIT.pending : EXIT.ok;
  },
});
