/** Longest name taken from a server message (a qualified name, or a function's signature). */
const MAX_NAME = 300;

/**
 * The name in a PostgreSQL "does not exist" message about a `kind` of object:
 * `users` in `relation "users" does not exist`, `u.email` in `column u.email does not exist`,
 * `f(integer)` in `function f(integer) does not exist`. `null` when the message is not of that
 * form (e.g. 42P01's `missing FROM-clause entry …`, a programming error); `undefined` when it is
 * but the name is unusable.
 *
 * Only used for schema objects, whose names come from the SQL text, never from row values.
 * Prefix and suffix comparisons, no regular expression: linear whatever the message holds.
 */
export function missingObjectName(message: unknown, kind: string): string | undefined | null {
  const prefix = `${kind} `;
  const suffix = ' does not exist';
  if (typeof message !== 'string' || !message.startsWith(prefix) || !message.endsWith(suffix)) return null;
  let name = message.slice(prefix.length, message.length - suffix.length);
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  return name !== '' && name.length <= MAX_NAME ? name : undefined;
}

/**
 * The first double-quoted name in a server message (`clients` in `new row violates row-level
 * security policy for table "clients"`), for messages whose quoted part is a table name.
 * Two `indexOf` calls, no regular expression.
 */
export function quotedName(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  const start = message.indexOf('"');
  if (start < 0) return undefined;
  const end = message.indexOf('"', start + 1);
  if (end < 0) return undefined;
  const name = message.slice(start + 1, end);
  return name !== '' && name.length <= MAX_NAME ? name : undefined;
}
