import { rollback, type RollbackTarget } from '../../core/migrations/rollback.js';
import { defineCommand, noPositionals } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { migrationName, TIMEOUT_OPTIONS, TIMEOUT_USAGE, timeouts, wholeNumber } from '../options.js';
import { UsageError } from '../usage-error.js';

/** `org-data rollback`: runs the down migrations, newest first, as the owner. */
export const rollbackCommand = defineCommand({
  name: 'rollback',
  summary: 'roll back the last N migrations, or all after NAME (owner connection)',
  synopsis: 'rollback --steps N | --to NAME [--lock-timeout MS] [--statement-timeout MS]',
  details: [
    'Runs the .down.sql of applied migrations, newest first, each in its own transaction. Exactly',
    'one of --steps and --to. Runs as the owner connection.',
    '',
    '  --steps N                roll back the last N applied migrations (N >= 1)',
    '  --to NAME                roll back every migration applied after NAME',
    ...TIMEOUT_USAGE,
  ],
  options: { steps: { type: 'string' }, to: { type: 'string' }, ...TIMEOUT_OPTIONS },
  parse(args) {
    noPositionals(args);
    const steps = wholeNumber(args.values.steps as string | undefined, '--steps', 1);
    const to = migrationName(args.values.to as string | undefined, '--to');
    if ((steps === undefined) === (to === undefined)) throw new UsageError('needs exactly one of --steps N or --to NAME');
    const target: RollbackTarget = steps !== undefined ? { steps } : { to: to as string };
    return { target, timeouts: timeouts(args.values) };
  },
  async run(input, context) {
    const db = context.open(await context.loadConfig('owner'));
    const { rolledBack } = await rollback(db, input.target, input.timeouts);
    context.io.out(rolledBack.length > 0 ? rolledBack.map((name) => `rolled back ${name}`).join('\n') : 'nothing to roll back');
    return EXIT.ok;
  },
});
