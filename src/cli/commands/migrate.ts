import { migrate } from '../../core/migrations/migrate.js';
import { defineCommand, noPositionals } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { migrationName, TIMEOUT_OPTIONS, TIMEOUT_USAGE, timeouts } from '../options.js';

/** `org-data migrate`: applies the pending migrations, as the owner. */
export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'apply pending migrations (owner connection)',
  synopsis: 'migrate [--to NAME] [--lock-timeout MS] [--statement-timeout MS]',
  details: [
    'Applies the pending migrations in name order, each in its own transaction (up to NAME with',
    '--to). Runs as the owner connection: DATABASE_OWNER_URL or DATABASE_OWNER_SECRET_ARN, else',
    'DATABASE_URL or DATABASE_SECRET_ARN.',
    '',
    '  --to NAME                apply up to and including this migration',
    ...TIMEOUT_USAGE,
  ],
  options: { to: { type: 'string' }, ...TIMEOUT_OPTIONS },
  parse(args) {
    noPositionals(args);
    const to = migrationName(args.values.to as string | undefined, '--to');
    return { ...timeouts(args.values), ...(to === undefined ? {} : { to }) };
  },
  async run(input, context) {
    const db = context.open(await context.loadConfig('owner'));
    const { applied } = await migrate(db, input);
    context.io.out(applied.length > 0 ? applied.map((name) => `applied ${name}`).join('\n') : 'nothing to apply');
    return EXIT.ok;
  },
});
