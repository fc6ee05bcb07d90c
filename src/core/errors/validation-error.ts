import { DataError } from './data-error.js';

/** One invalid field: its path in the input and why it was rejected (never its value). */
export interface ValidationIssue {
  /** Dotted path of the field in the input, e.g. `settings.branding.primaryColor`. */
  readonly path: string;
  /** Why it was rejected. */
  readonly message: string;
}

/**
 * Input failed validation at the repository boundary. Nothing was sent to the database.
 */
export class ValidationError extends DataError {
  /** Every invalid field, in input order. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const fields = [...new Set(issues.map((issue) => issue.path || '(input)'))];
    super('VALIDATION', `Invalid input: ${fields.join(', ')}`);
    this.issues = Object.freeze([...issues]);
  }
}
