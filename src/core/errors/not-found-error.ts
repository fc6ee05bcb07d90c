import { DataError } from './data-error.js';

/** The entity a `get…` or mutation addressed does not exist (or is soft-deleted). */
export class NotFoundError extends DataError {
  /** The kind of entity, e.g. `user`, `role`. */
  readonly entity: string;

  /**
   * @param hint What to do about it, appended to the message (e.g. which command creates the
   *   missing row). Never a row value.
   */
  constructor(entity: string, hint?: string) {
    super('NOT_FOUND', hint === undefined ? `${entity} not found` : `${entity} not found: ${hint}`);
    this.entity = entity;
  }
}
