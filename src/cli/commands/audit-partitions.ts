import { createAuditPartitions, dropAuditPartitionsBefore } from '../../core/audit/audit-partitions.js';
import { defineCommand, noPositionals } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { wholeNumber } from '../options.js';
import { UsageError } from '../usage-error.js';

/** The default of `--months-ahead`, for `audit-partitions` and `doctor`. */
export const DEFAULT_MONTHS_AHEAD = 3;

/** The most months ahead `createAuditPartitions` accepts. */
export const MAX_MONTHS_AHEAD = 120;

/** Reads `--drop-before YYYY-MM-DD` as the first instant (UTC) of that day. */
function dropBefore(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError('--drop-before must be a date YYYY-MM-DD');
  }
  return date;
}

/** `org-data audit-partitions`: monthly partitions of audit_logs ahead, and retention. */
export const auditPartitionsCommand = defineCommand({
  name: 'audit-partitions',
  summary: 'create audit_logs partitions ahead, drop old ones (owner connection)',
  synopsis: 'audit-partitions [--months-ahead N] [--drop-before YYYY-MM-DD]',
  details: [
    'Creates the monthly partitions of audit_logs for this month and N more (each isolated by',
    'tenant). With --drop-before, also drops whole months that end on or before that date',
    '(retention). Run it daily and after migrate, as the owner connection.',
    '',
    `  --months-ahead N         months after the current one (default ${DEFAULT_MONTHS_AHEAD}, at most ${MAX_MONTHS_AHEAD})`,
    '  --drop-before DATE       drop the partitions of months ending on or before DATE',
  ],
  options: { 'months-ahead': { type: 'string' }, 'drop-before': { type: 'string' } },
  parse(args) {
    noPositionals(args);
    return {
      monthsAhead:
        wholeNumber(args.values['months-ahead'] as string | undefined, '--months-ahead', 0, MAX_MONTHS_AHEAD) ??
        DEFAULT_MONTHS_AHEAD,
      dropBefore: dropBefore(args.values['drop-before'] as string | undefined),
    };
  },
  async run(input, context) {
    const db = context.open(await context.loadConfig('owner'));
    const { created, movedRows } = await createAuditPartitions(db, { monthsAhead: input.monthsAhead });
    context.io.out(created.length > 0 ? created.map((name) => `created ${name}`).join('\n') : 'all partitions exist');
    if (movedRows > 0) context.io.out(`moved ${movedRows} rows out of audit_logs_default`);
    if (input.dropBefore !== undefined) {
      const dropped = await dropAuditPartitionsBefore(db, input.dropBefore);
      context.io.out(dropped.length > 0 ? dropped.map((name) => `dropped ${name}`).join('\n') : 'nothing to drop');
    }
    return EXIT.ok;
  },
});
