import { scopeArgument } from '../../core/kernel/repository-scope.js';
import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createNotificationRepository } from './notifications/notification-repository.js';

/** The events context's repository factories (see `createUnitOfWork`). */
export const eventsRepositories = Object.freeze({
  /** The acting user's notifications. */
  notifications: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createNotificationRepository(db, context);
  },
});
