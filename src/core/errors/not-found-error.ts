import { DataError } from './data-error.js';

/** The entity a `get…` or mutation addressed does not exist (or is soft-deleted). */
export class NotFoundError extends DataError {
  /** The kind of entity, e.g. `user`, `role`. */
  readonly entity: string;

  constructor(entity: string) {
    super('NOT_FOUND', `${entity} not found`);
    this.entity = entity;
  }
}
