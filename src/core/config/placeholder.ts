import { ValidationError } from '../errors/validation-error.js';
/**
 * Values that mean "nobody filled this in", compared case-insensitively after trimming.
 * Kept short on purpose: a real password, host or name must never match by accident.
 */
const PLACEHOLDER_WORDS: readonly string[] = Object.freeze([
  'undefined',
  'null',
  'changeme',
  'change-me',
  'change_me',
  'replaceme',
  'replace-me',
  'replace_me',
]);

const WORDS = new Set(PLACEHOLDER_WORDS);

/** `<anything>`: a template slot such as `<password>` or `<your-host>`. */
const ANGLE_BRACKETED = /^<.*>$/s;

/** `${anything}`: an unexpanded shell or template variable such as `${DB_PASSWORD}`. */
const DOLLAR_BRACED = /^\$\{.*\}$/s;

/** Why a configured value cannot be used: it is blank, or it is a placeholder. */
export type PlaceholderProblem = 'is empty' | 'is a placeholder';

/**
 * Tells whether `value` is blank (empty or only whitespace) or a placeholder: `undefined`,
 * `null`, `changeme` (and `change-me`, `replace_me`, …) in any letter case, anything wrapped in
 * angle brackets (`<password>`), or an unexpanded `${VARIABLE}`.
 *
 * Only whole values match: `${` or `<` inside a longer value (as a generated password may hold)
 * is allowed.
 *
 * @returns The reason to reject the value, or `undefined` when it may be used.
 */
export function placeholderProblem(value: string): PlaceholderProblem | undefined {
  if (typeof value !== 'string') throw new ValidationError([{ path: 'value', message: 'must be a string' }]);
  const trimmed = value.trim();
  if (trimmed === '') return 'is empty';
  if (WORDS.has(trimmed.toLowerCase())) return 'is a placeholder';
  if (ANGLE_BRACKETED.test(trimmed) || DOLLAR_BRACED.test(trimmed)) return 'is a placeholder';
  return undefined;
}

/** Tells whether `value` is blank or a placeholder (see {@link placeholderProblem}). */
export function isPlaceholder(value: string): boolean {
  return placeholderProblem(value) !== undefined;
}
