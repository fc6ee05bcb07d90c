// The tables of domain events and their delivery, declared like aggregates so that the tenant
// and global table lists (and the catalog tests derived from them) know them.
import { defineAggregate } from '../kernel/aggregate.js';
import type { DomainEvent } from './domain-event.js';

/** The event types (a global lookup, seeded by the migration). */
const eventTypeTable = defineAggregate<{ code: string; description: string; payloadVersion: number }>()({
  name: 'event_type',
  table: 'event_types',
  tenantColumn: null,
  columns: { code: 'code', description: 'description', payloadVersion: 'payload_version' },
  audited: [],
  actions: [],
});

/** The domain events (append-only, partitioned by month, per tenant). */
const domainEventTable = defineAggregate<DomainEvent>()({
  name: 'domain_event',
  table: 'domain_events',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    createdAt: 'created_at',
    organizationId: 'organization_id',
    eventType: 'event_type_code',
    payloadVersion: 'payload_version',
    aggregateType: 'aggregate_type',
    aggregateId: 'aggregate_id',
    aggregateVersion: 'aggregate_version',
    payload: 'payload',
    actorUserId: 'actor_user_id',
    correlationId: 'correlation_id',
    causationId: 'causation_id',
    requestId: 'request_id',
  },
  audited: [],
  actions: [],
});

/**
 * The outbox: one message per event not yet dispatched, per tenant, which the worker role
 * (`org_data_worker`) claims across tenants through its own policies (`worker_queue_*`).
 */
const outboxMessageTable = defineAggregate<{ eventId: string; organizationId: string; eventCreatedAt: Date }>()({
  name: 'outbox_message',
  table: 'outbox_messages',
  tenantColumn: 'organization_id',
  columns: { eventId: 'event_id', organizationId: 'organization_id', eventCreatedAt: 'event_created_at' },
  audited: [],
  actions: [],
});

/** The worker's role: NOLOGIN, NOBYPASSRLS, a member of `org_data_app`; grant it to the worker's login role. */
export const WORKER_ROLE = 'org_data_worker';

/** Which consumers take which event types (global: registered by workers). */
const eventSubscriptionTable = defineAggregate<{ id: string; eventTypeCode: string; consumer: string }>()({
  name: 'event_subscription',
  table: 'event_subscriptions',
  tenantColumn: null,
  columns: { id: 'id', eventTypeCode: 'event_type_code', consumer: 'consumer' },
  audited: [],
  actions: [],
});

/** A delivery of an event to one consumer (the worker's work item), per tenant. */
const eventDeliveryTable = defineAggregate<{
  id: string;
  organizationId: string;
  eventId: string;
  consumer: string;
  status: string;
  attempts: number;
}>()({
  name: 'event_delivery',
  table: 'event_deliveries',
  tenantColumn: 'organization_id',
  columns: { id: 'id', organizationId: 'organization_id', eventId: 'event_id', consumer: 'consumer', status: 'status', attempts: 'attempts' },
  audited: [],
  actions: [],
});

/** A worker policy as `pg_policies` shows it: command, USING, WITH CHECK. */
type WorkerPolicy = readonly [command: string, using: string, check: string | null];

/**
 * The queue tables the worker role claims rows of across tenants, and its policies on each
 * (besides the tenant policy, for that role only): it may read, lock and delete every tenant's
 * rows; on the outbox it may change none (`WITH CHECK (false)`), on deliveries only their
 * progress columns (column privileges).
 */
export const WORKER_QUEUE_POLICIES: Readonly<Record<string, Readonly<Record<string, WorkerPolicy>>>> = Object.freeze({
  outbox_messages: {
    worker_queue_select: ['SELECT', 'true', null],
    worker_queue_update: ['UPDATE', 'true', 'false'],
    worker_queue_delete: ['DELETE', 'true', null],
  },
  event_deliveries: {
    worker_queue_select: ['SELECT', 'true', null],
    worker_queue_update: ['UPDATE', 'true', 'true'],
    worker_queue_delete: ['DELETE', 'true', null],
  },
  // The webhook sender's deliveries (issue 12): progress columns only; only finished ones deleted (pruning).
  webhook_deliveries: {
    worker_queue_select: ['SELECT', 'true', null],
    worker_queue_update: ['UPDATE', 'true', 'true'],
    worker_queue_delete: ['DELETE', "(status = ANY (ARRAY['succeeded'::text, 'dead'::text]))", null],
  },
  // The workflow runner (issue 14): due schedules moved on, steps claimed and given back — only
  // outside a tenant's transaction (with a tenant set, the worker sees that tenant's rows only).
  workflow_triggers: {
    worker_queue_select: ['SELECT', "((kind = 'schedule'::text) AND (NULLIF(current_setting('app.organization_id'::text, true), ''::text) IS NULL))", null],
    worker_queue_update: ['UPDATE', "((kind = 'schedule'::text) AND (NULLIF(current_setting('app.organization_id'::text, true), ''::text) IS NULL))", "(kind = 'schedule'::text)"],
  },
  workflow_execution_steps: {
    worker_queue_select: ['SELECT', "(NULLIF(current_setting('app.organization_id'::text, true), ''::text) IS NULL)", null],
    worker_queue_update: ['UPDATE', "(NULLIF(current_setting('app.organization_id'::text, true), ''::text) IS NULL)", 'true'],
  },
});

/**
 * The policy on each queue table that lets its owner (the role that ran the migrations) read it
 * across tenants, for `org_data_event_queue_status()`: FOR SELECT, USING (true), to that role only.
 */
export const OWNER_QUEUE_POLICY = 'owner_queue_status';

/** The queue tables `org_data_event_queue_status()` counts, which carry {@link OWNER_QUEUE_POLICY}. */
export const OWNER_STATUS_QUEUE_TABLES: readonly string[] = Object.freeze(['outbox_messages', 'event_deliveries']);

/** The tables of {@link WORKER_QUEUE_POLICIES}. */
export const WORKER_QUEUE_TABLES: readonly string[] = Object.freeze(Object.keys(WORKER_QUEUE_POLICIES));

/** Every table of the events core. */
export const EVENT_TABLES = Object.freeze([eventTypeTable, domainEventTable, outboxMessageTable, eventSubscriptionTable, eventDeliveryTable] as const);
