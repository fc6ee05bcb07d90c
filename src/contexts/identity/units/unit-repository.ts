import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { CreateUnitInputSchema, UnitCodeSchema, type CreateUnitInput } from './unit.inputs.js';
import { foreignKeyAsNotFound } from '../../../core/kernel/foreign-key-as-not-found.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { unitAggregate, type Unit } from './unit.js';
import { insertUnit, unitByCode, unitById, unitsOfOrganization } from './unit-statements.js';

/** Units of organizations: the one notion of where a person works. */
export interface UnitRepository {
  /**
   * Creates a unit.
   * @throws ValidationError; UniqueViolationError (`units_organization_id_code_key`);
   *   NotFoundError (`organization`, or `parent unit` when it is not of the same organization).
   */
  create(input: CreateUnitInput): Promise<Unit>;
  /** The unit, or `undefined`. */
  findById(id: string): Promise<Unit | undefined>;
  /**
   * The unit.
   * @throws NotFoundError
   */
  getById(id: string): Promise<Unit>;
  /** The unit of the organization with this code, or `undefined`. */
  findByCode(organizationId: string, code: string): Promise<Unit | undefined>;
  /** The organization's units, by code. */
  list(organizationId: string): Promise<Unit[]>;
}

/** Creates the unit repository over `db` (a Kysely instance or a transaction). */
export function createUnitRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): UnitRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const findById = async (id: string) => {
    const key = parseInput(UuidSchema, id, 'id');
    return unitById.first(db, { id: key });
  };
  return withErrorMapping({
    async create(input: CreateUnitInput) {
      const data = parseInput(CreateUnitInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [unit] = await insertUnit(trx, {
          organizationId: data.organizationId,
          code: data.code,
          name: data.name,
          parentUnitId: data.parentUnitId ?? null,
        }).catch((error: unknown) =>
            foreignKeyAsNotFound(error, {
              units_organization_id_fkey: 'organization',
              units_parent_unit_id_fkey: 'parent unit',
            }),
          );
        if (!unit) throw new NotFoundError(unitAggregate.name); // an INSERT … RETURNING returns its row
        await writeAudit(
          trx,
          context,
          auditEvent(unitAggregate, 'create', { entityId: unit.id, organizationId: unit.organizationId, after: unit }),
        );
        return unit;
      });
    },
    findById,
    async getById(id: string) {
      const unit = await findById(id);
      if (!unit) throw new NotFoundError(unitAggregate.name);
      return unit;
    },
    async findByCode(organizationId: string, code: string) {
      const org = parseInput(UuidSchema, organizationId, 'organizationId');
      const key = parseInput(UnitCodeSchema, code, 'code');
      return unitByCode.first(db, { org, code: key });
    },
    async list(organizationId: string) {
      const org = parseInput(UuidSchema, organizationId, 'organizationId');
      return unitsOfOrganization(db, { org });
    },
  });
}
