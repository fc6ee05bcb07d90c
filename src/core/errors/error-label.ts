import { DataError } from './data-error.js';

/**
 * What a failure is called where it is stored (a delivery's or a step's `error`): the error's
 * class and code, never its message (which may hold row values). At most 500 characters.
 */
export function errorLabel(error: unknown): string {
  if (error instanceof DataError) return `${error.name} (${error.code})`.slice(0, 500);
  if (error instanceof Error) return (error.name || 'Error').slice(0, 500);
  return typeof error;
}
