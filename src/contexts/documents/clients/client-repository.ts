import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import type { DB } from '../../../schema/db.js';
import {
  ClientCodeSchema,
  ClientStatusSchema,
  CreateClientInputSchema,
  UpdateClientInputSchema,
  type CreateClientInput,
  type UpdateClientInput,
} from './client.inputs.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema, type Metadata } from '../../../core/kernel/metadata.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { foreignKeyAsNotFound } from '../../../core/kernel/foreign-key-as-not-found.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { cursorCodec, pageLimit, toPage, UUID_PART, type Page, type PageOptions } from '../../../core/kernel/page.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { clientAggregate, type Client } from './client.js';
import {
  clientByCode,
  clientById,
  clientChangeShape,
  clientPage,
  insertClient,
  lockClient,
  updateClient,
  type ClientChange,
  type ClientListFilter,
  type ClientPageParams,
  type ClientUpdateParams,
} from './client-statements.js';

/** Options of {@link ClientRepository.pageByOrganization}. */
export interface ListClientsOptions extends PageOptions {
  /** Only clients in this status. */
  readonly status?: Client['status'];
}

/** Clients of organizations. Reads skip soft-deleted clients unless they say otherwise. */
export interface ClientRepository {
  /**
   * Creates a client.
   * @throws ValidationError; UniqueViolationError (`clients_organization_code_key`);
   *   NotFoundError (`organization`, or `manager` when not a user of the organization).
   */
  create(input: CreateClientInput): Promise<Client>;
  /** The live client, or `undefined`. */
  findById(id: string): Promise<Client | undefined>;
  /**
   * The live client.
   * @throws NotFoundError when it does not exist or is soft-deleted.
   */
  getById(id: string): Promise<Client>;
  /** The organization's live client with this code, or `undefined`. */
  findByCode(organizationId: string, code: string): Promise<Client | undefined>;
  /**
   * Changes name, metadata (replaced whole, validated) or manager.
   * @throws NotFoundError; ValidationError.
   */
  update(id: string, patch: UpdateClientInput): Promise<Client>;
  /** Sets the status. @throws NotFoundError; ValidationError. */
  changeStatus(id: string, status: Client['status']): Promise<Client>;
  /** Soft-deletes the client; its code becomes available. @throws NotFoundError. */
  softDelete(id: string): Promise<void>;
  /**
   * Restores a soft-deleted client.
   * @throws NotFoundError when it is not deleted; UniqueViolationError
   *   (`clients_organization_code_key`) when a live client has taken its code meanwhile.
   */
  restore(id: string): Promise<Client>;
  /** One page of the organization's live clients by code, optionally of one status. */
  pageByOrganization(organizationId: string, options?: ListClientsOptions): Promise<Page<Client>>;
  /** One page of the live clients whose metadata contains `containment` (`metadata @> containment`), by code. */
  pageByMetadata(organizationId: string, containment: Metadata, options?: PageOptions): Promise<Page<Client>>;
  /** @deprecated Renamed {@link ClientRepository.pageByOrganization} (it returns a page); removed in 1.0. */
  listByOrganization(organizationId: string, options?: ListClientsOptions): Promise<Page<Client>>;
  /** @deprecated Renamed {@link ClientRepository.pageByMetadata} (it returns a page); removed in 1.0. */
  searchByMetadata(organizationId: string, containment: Metadata, options?: PageOptions): Promise<Page<Client>>;
}

const CODE_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** (code, id): the keyset position of the client lists. */
const CLIENT_CURSOR = cursorCodec([CODE_PART, UUID_PART]);
/** A client's keyset position. */
const clientPosition = (client: Client): readonly string[] => [client.code, client.id];
/**
 * The shape keys of {@link clientPage}, one constant string each: a key built per call is a new
 * string the shape map hashes every time.
 */
const PAGE_FIRST = { all: 'all:first', status: 'status:first', metadata: 'metadata:first' } as const;
const PAGE_AFTER = { all: 'all:after', status: 'status:after', metadata: 'metadata:after' } as const;
const STATUS_CHANGE: ReadonlySet<ClientChange> = new Set(['status']);
const DELETE_CHANGE: ReadonlySet<ClientChange> = new Set(['delete']);
const RESTORE_CHANGE: ReadonlySet<ClientChange> = new Set(['restore']);

/** Creates the client repository over `db` (a Kysely instance or a transaction). */
export function createClientRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): ClientRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const actor = context.actorUserId ?? null;
  const managerNotFound = { clients_manager_user_id_fkey: 'manager', clients_organization_id_fkey: 'organization' };

  /** Locks the client (live, or deleted when `deleted`), NotFound otherwise. */
  const lock = async (trx: Kysely<DB>, id: string, deleted = false): Promise<Client> => {
    const [row] = await lockClient(trx, deleted ? 'deleted' : 'live', { id });
    if (!row) throw new NotFoundError(clientAggregate.name);
    return row;
  };

  /** Updates one client row (the columns of `changes`, then `updated_by`) and records `action`. */
  const change = (
    id: string,
    action: 'update' | 'change_status' | 'delete' | 'restore',
    changes: ReadonlySet<ClientChange>,
    values: Omit<ClientUpdateParams, 'id' | 'updatedBy'> = {},
    deleted = false,
  ) =>
    inTransaction(db, async (trx) => {
      const before = await lock(trx, id, deleted);
      const [after] = await updateClient(trx, clientChangeShape(changes), { id, updatedBy: actor, ...values }).catch(
        (error: unknown) => foreignKeyAsNotFound(error, managerNotFound),
      );
      if (!after) throw new NotFoundError(clientAggregate.name); // the row is locked: cannot happen
      await writeAudit(trx, context, auditEvent(clientAggregate, action, { entityId: id, organizationId: after.organizationId, before, after }));
      return after;
    });

  /** One page of the organization's clients; no async frame of its own (one `then` on the statement). */
  const list = (
    organizationId: string,
    options: PageOptions,
    filter: ClientListFilter,
    values: Pick<ClientPageParams, 'status' | 'containment'> = {},
  ): Promise<Page<Client>> => {
    const org = parseInput(UuidSchema, organizationId, 'organizationId');
    const limit = pageLimit(options);
    const after = options.after ? CLIENT_CURSOR.decode(options.after) : null;
    // Named keys first (see auditContextParams on spreads first).
    return clientPage(db, after ? PAGE_AFTER[filter] : PAGE_FIRST[filter], {
      org,
      limit: limit + 1,
      afterCode: after ? after[0] : undefined,
      afterId: after ? after[1] : undefined,
      ...values,
    }).then((rows) => toPage(rows, limit, clientPosition));
  };

  const findById = async (id: string) => (await clientById(db, { id: parseInput(UuidSchema, id, 'id') }))[0];

  const repository = withErrorMapping({
    async create(input: CreateClientInput) {
      const data = parseInput(CreateClientInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [client] = await insertClient(trx, data.status === undefined ? 'default' : 'status', {
          organizationId: data.organizationId,
          code: data.code,
          name: data.name,
          ...(data.status === undefined ? {} : { status: data.status }),
          metadata: JSON.stringify(data.metadata ?? {}),
          managerUserId: data.managerUserId ?? null,
          actor,
        }).catch((error: unknown) => foreignKeyAsNotFound(error, managerNotFound));
        if (!client) throw new NotFoundError(clientAggregate.name); // an INSERT … RETURNING returns its row
        await writeAudit(
          trx,
          context,
          auditEvent(clientAggregate, 'create', { entityId: client.id, organizationId: client.organizationId, after: client }),
        );
        return client;
      });
    },
    findById,
    async getById(id: string) {
      const client = await findById(id);
      if (!client) throw new NotFoundError(clientAggregate.name);
      return client;
    },
    async findByCode(organizationId: string, code: string) {
      const org = parseInput(UuidSchema, organizationId, 'organizationId');
      const key = parseInput(ClientCodeSchema, code, 'code');
      return clientByCode.first(db, { org, code: key });
    },
    async update(id: string, patch: UpdateClientInput) {
      const key = parseInput(UuidSchema, id, 'id');
      const data = parseInput(UpdateClientInputSchema, patch, 'patch');
      const changes = new Set<ClientChange>();
      if (data.name !== undefined) changes.add('name');
      if (data.metadata !== undefined) changes.add('metadata');
      if (data.managerUserId !== undefined) changes.add('manager_user_id');
      return change(key, 'update', changes, {
        ...(data.name === undefined ? {} : { name: data.name }),
        ...(data.metadata === undefined ? {} : { metadata: JSON.stringify(data.metadata) }),
        ...(data.managerUserId === undefined ? {} : { managerUserId: data.managerUserId }),
      });
    },
    async changeStatus(id: string, status: Client['status']) {
      const key = parseInput(UuidSchema, id, 'id');
      return change(key, 'change_status', STATUS_CHANGE, { status: parseInput(ClientStatusSchema, status, 'status') });
    },
    async softDelete(id: string) {
      await change(parseInput(UuidSchema, id, 'id'), 'delete', DELETE_CHANGE);
    },
    async restore(id: string) {
      return change(parseInput(UuidSchema, id, 'id'), 'restore', RESTORE_CHANGE, {}, true);
    },
    pageByOrganization(organizationId: string, options: ListClientsOptions = {}): Promise<Page<Client>> {
      options = optionsArgument(options);
      const status = options.status === undefined ? undefined : parseInput(ClientStatusSchema, options.status, 'options.status');
      return status ? list(organizationId, options, 'status', { status }) : list(organizationId, options, 'all');
    },
    pageByMetadata(organizationId: string, containment: Metadata, options: PageOptions = {}): Promise<Page<Client>> {
      options = optionsArgument(options);
      const filter = JSON.stringify(parseInput(MetadataSchema, containment, 'containment'));
      return list(organizationId, options, 'metadata', { containment: filter });
    },
  });
  return Object.freeze({
    ...repository,
    listByOrganization: repository.pageByOrganization,
    searchByMetadata: repository.pageByMetadata,
  });
}
