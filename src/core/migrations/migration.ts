import { createHash } from 'node:crypto';
import { ValidationError } from '../errors/validation-error.js';

/** The first-line marker that makes the runner execute a script outside a transaction. */
export const NO_TRANSACTION_MARKER = '-- org-data:no-transaction';

/**
 * In a no-transaction script, a statement preceded by this comment line is a query whose rows
 * are statements: each row's `statement` column is run in order, each on its own, like psql's
 * `\gexec`. For work on objects a script cannot name in advance (every partition of a
 * partitioned table, built `CONCURRENTLY` one by one).
 */
export const RUN_RESULTS_MARKER = '-- org-data:run-results';

const NAME_PATTERN = /^\d{14}_[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** One direction of a migration. */
export interface MigrationScript {
  /** The SQL text exactly as written in the file. */
  readonly sql: string;
  /**
   * `false` when the file starts with `-- org-data:no-transaction` (needed for
   * `CREATE INDEX CONCURRENTLY`); such a script runs statement by statement.
   */
  readonly transactional: boolean;
}

/** A forward and rollback pair, named `<UTC timestamp YYYYMMDDHHMMSS>_<description>`. */
export interface Migration {
  /** `<YYYYMMDDHHMMSS>_<description>`, also the files' base name. */
  readonly name: string;
  /** The forward script (`.up.sql`). */
  readonly up: MigrationScript;
  /** The rollback script (`.down.sql`). */
  readonly down: MigrationScript;
  /** sha256 (hex) of the forward file; recorded when applied and checked on every run. */
  readonly checksum: string;
  /** sha256 (hex) of the rollback file; recorded and checked like {@link Migration.checksum}. */
  readonly downChecksum: string;
}

function script(sql: string): MigrationScript {
  const firstLine = sql.trimStart().split('\n', 1)[0]?.trim() ?? '';
  return Object.freeze({ sql, transactional: firstLine !== NO_TRANSACTION_MARKER });
}

/**
 * sha256 of a migration file's text, as hex.
 * @throws ValidationError when `sql` is not a string.
 */
export function checksumOf(sql: string): string {
  if (typeof sql !== 'string') throw new ValidationError([{ path: 'sql', message: 'must be a string' }]);
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Builds a frozen {@link Migration} from its name and the text of its two files.
 *
 * @throws ValidationError when the name is not `<14-digit UTC timestamp>_<snake_case description>`,
 *   a file's text is not a string, or a transactional file uses `-- org-data:run-results`.
 */
export function defineMigration(name: string, up: string, down: string): Migration {
  if (typeof up !== 'string' || typeof down !== 'string') {
    throw new ValidationError([{ path: typeof up !== 'string' ? 'up' : 'down', message: 'must be the text of the file' }]);
  }
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ValidationError([{ path: 'name', message: `must be <YYYYMMDDHHMMSS>_<description>: ${String(name)}` }]);
  }
  const scripts = { up: script(up), down: script(down) };
  for (const [path, file] of Object.entries(scripts)) {
    // In a transaction the whole file is one string: the marker would silently do nothing.
    if (file.transactional && file.sql.split('\n').some((line) => line.trim() === RUN_RESULTS_MARKER)) {
      throw new ValidationError([{ path, message: `${RUN_RESULTS_MARKER} works only in a file that starts with ${NO_TRANSACTION_MARKER}` }]);
    }
  }
  return Object.freeze({
    name,
    ...scripts,
    checksum: checksumOf(up),
    downChecksum: checksumOf(down),
  });
}
