import type { CliCommand } from '../command.js';
import { auditPartitionsCommand } from './audit-partitions.js';
import { doctorCommand } from './doctor.js';
import { migrateCommand } from './migrate.js';
import { rollbackCommand } from './rollback.js';
import { seedCommand } from './seed.js';
import { statusCommand } from './status.js';

/** Every command of `org-data`, in the order `help` lists them. */
export const COMMANDS: readonly CliCommand<any>[] = Object.freeze([
  migrateCommand,
  rollbackCommand,
  statusCommand,
  seedCommand,
  auditPartitionsCommand,
  doctorCommand,
]);
