import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import type { DB } from '../../../schema/db.js';
import {
  CreateOrganizationInputSchema,
  OrganizationSettingsSchema,
  OrganizationSlugSchema,
  type CreateOrganizationInput,
  type OrganizationSettings,
} from './organization.inputs.js';
import { organizationAggregate, type Organization } from './organization.js';
import {
  insertOrganization,
  lockLiveOrganization,
  organizationById,
  organizationBySlug,
  softDeleteOrganization,
  updateOrganizationSettings,
} from './organization-statements.js';

/** Organizations: the tenants. Reads skip soft-deleted organizations. */
export interface OrganizationRepository {
  /**
   * Creates an organization.
   * @throws ValidationError for a bad slug, name or settings document; nothing is written.
   * @throws UniqueViolationError (`organizations_slug_key`) when a live organization has the slug.
   */
  create(input: CreateOrganizationInput): Promise<Organization>;
  /** The organization, or `undefined` when it does not exist or is soft-deleted. */
  findById(id: string): Promise<Organization | undefined>;
  /**
   * The live organization.
   * @throws NotFoundError when it does not exist or is soft-deleted.
   */
  getById(id: string): Promise<Organization>;
  /** The live organization with this slug, or `undefined`. */
  findBySlug(slug: string): Promise<Organization | undefined>;
  /**
   * Replaces the settings document (validated).
   * @throws NotFoundError when the organization does not exist or is soft-deleted.
   */
  updateSettings(id: string, settings: OrganizationSettings): Promise<Organization>;
  /**
   * Soft-deletes the organization; its slug becomes available again.
   * @throws NotFoundError when it does not exist or is already deleted.
   */
  softDelete(id: string): Promise<void>;
}

/** The live organization, locked until the transaction ends; NotFound otherwise. */
async function lockLive(trx: Kysely<DB>, key: string): Promise<Organization> {
  const [row] = await lockLiveOrganization(trx, { id: key });
  if (!row) throw new NotFoundError(organizationAggregate.name);
  return row;
}

/** The one row of an INSERT or of an UPDATE of a locked row (NotFound, which cannot happen, otherwise). */
function onlyRow<R>(rows: readonly R[]): R {
  const [row] = rows;
  if (!row) throw new NotFoundError(organizationAggregate.name);
  return row;
}

/**
 * Creates the organization repository over `db` (a Kysely instance or a transaction).
 *
 * @example
 * const org = await createOrganizationRepository(db).create({ slug: 'acme', name: 'Acme' });
 */
export function createOrganizationRepository<D extends DB>(
  database: Kysely<D>,
  context: ResolvedAuditContext = {},
): OrganizationRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const findById = async (id: string) => (await organizationById(db, { id: parseInput(UuidSchema, id, 'id') }))[0];
  return withErrorMapping({
    async create(input: CreateOrganizationInput) {
      const data = parseInput(CreateOrganizationInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const settings = JSON.stringify(data.settings);
        const row = onlyRow(await insertOrganization(trx, { slug: data.slug, name: data.name, settings }));
        await writeAudit(trx, context, auditEvent(organizationAggregate, 'create', { entityId: row.id, organizationId: row.id, after: row }));
        return row;
      });
    },
    findById,
    async getById(id: string) {
      const row = await findById(id);
      if (!row) throw new NotFoundError(organizationAggregate.name);
      return row;
    },
    async findBySlug(slug: string) {
      return organizationBySlug.first(db, { slug: parseInput(OrganizationSlugSchema, slug, 'slug') });
    },
    async updateSettings(id: string, settings: OrganizationSettings) {
      const key = parseInput(UuidSchema, id, 'id');
      const data = parseInput(OrganizationSettingsSchema, settings, 'settings');
      return inTransaction(db, async (trx) => {
        const before = await lockLive(trx, key);
        const after = onlyRow(await updateOrganizationSettings(trx, { id: key, settings: JSON.stringify(data) }));
        await writeAudit(
          trx,
          context,
          auditEvent(organizationAggregate, 'update_settings', { entityId: key, organizationId: key, before, after }),
        );
        return after;
      });
    },
    async softDelete(id: string) {
      const key = parseInput(UuidSchema, id, 'id');
      await inTransaction(db, async (trx) => {
        const before = await lockLive(trx, key);
        const after = onlyRow(await softDeleteOrganization(trx, { id: key }));
        await writeAudit(trx, context, auditEvent(organizationAggregate, 'delete', { entityId: key, organizationId: key, before, after }));
      });
    },
  });
}
