import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { ClientStatus } from '../../../schema/db.js';
import type { Metadata } from '../../../core/kernel/metadata.js';

/** A client of an organization, whose documents the document services keep. */
export interface Client {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** Unique among the organization's live clients. */
  readonly code: string;
  /** Display name. */
  readonly name: string;
  /** `active`, `inactive` or `suspended`. */
  readonly status: ClientStatus;
  /** Free-form JSON object (≤ 16 KB), searchable by containment. */
  readonly metadata: Metadata;
  /** The user of the organization managing the client, or `null`. */
  readonly managerUserId: string | null;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
  /** Who created it (from the audit context), or `null`. */
  readonly createdBy: string | null;
  /** Who changed it last (from the audit context), or `null`. */
  readonly updatedBy: string | null;
  /** When it was soft-deleted; `null` while live. */
  readonly deletedAt: Date | null;
}

/** The select list that maps a `clients` row to a {@link Client}. */
export const clientColumns = [
  'clients.id',
  'clients.organization_id as organizationId',
  'clients.code',
  'clients.name',
  'clients.status',
  'clients.metadata',
  'clients.manager_user_id as managerUserId',
  'clients.created_at as createdAt',
  'clients.updated_at as updatedAt',
  'clients.created_by as createdBy',
  'clients.updated_by as updatedBy',
  'clients.deleted_at as deletedAt',
] as const;

/** Clients of an organization. */
export const clientAggregate = defineAggregate<Client>()({
  name: 'client',
  table: 'clients',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    code: 'code',
    name: 'name',
    status: 'status',
    metadata: 'metadata',
    managerUserId: 'manager_user_id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    createdBy: 'created_by',
    updatedBy: 'updated_by',
    deletedAt: 'deleted_at',
  },
  audited: ['id', 'organizationId', 'code', 'name', 'status', 'metadata', 'managerUserId', 'deletedAt'],
  actions: ['create', 'update', 'change_status', 'delete', 'restore'],
});
