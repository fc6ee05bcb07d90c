import { notificationAggregate } from './notifications/notification.js';

/** Every aggregate (and table) of the events context, declared once each (the event tables themselves are the core's). */
export const EVENTS_AGGREGATES = Object.freeze([notificationAggregate] as const);
