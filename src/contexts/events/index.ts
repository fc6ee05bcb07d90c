// @org/data/events: domain events, their delivery by the worker, and notifications.

export { EVENT_TYPES, eventPayloadSchema, type EventTypeCode } from './event-catalog.js';
export { defineEventType, type EventTypeDescriptor } from '../../core/events/event-type.js';
export { domainEvent, type DomainEvent, type DomainEventRecord, type EventPayload } from '../../core/events/domain-event.js';
export { domainEventPartitions } from '../../core/events/event-partitions.js';
export { WORKER_ROLE, WORKER_QUEUE_TABLES } from '../../core/events/event-tables.js';
export {
  createWorker,
  eventQueueStatus,
  redeliverDeadDeliveries,
  type Worker,
  type WorkerOptions,
  type WorkerRound,
  type WorkerProgress,
  type EventQueueStatus,
} from '../../core/events/worker.js';
export type { EventHandler, EventHandlerScope } from '../../core/events/event-handler.js';
export {
  DELIVERY_STATES,
  DELIVERY_TRANSITIONS,
  type DeliveryStatus,
  type DeliveryTransition,
  type BackoffOptions,
} from '../../core/events/delivery-machine.js';
export { createNotificationRepository, type NotificationRepository } from './notifications/notification-repository.js';
export { notificationAggregate, type Notification } from './notifications/notification.js';
export { NOTIFICATION_PRIORITIES, type NotificationPriority } from './notifications/notification.inputs.js';
export { staffProfileNotifications } from './notifications/staff-profile-notifications.js';
export { eventsRepositories } from './repositories.js';
export { EVENTS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';
