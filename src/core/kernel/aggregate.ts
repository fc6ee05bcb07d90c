import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';

/**
 * An aggregate (or a table of one) declared once: its name, table, tenant column, the mapping of
 * its fields to columns, the fields its audit snapshots keep, and the actions it records. The
 * audit whitelist, the entity-type and action unions, the tenant/global table lists and the
 * conformance tests are all derived from these declarations.
 */
export interface AggregateDescriptor<
  E extends object = object,
  N extends string = string,
  A extends string = string,
  P extends string = string,
> {
  /** The name in errors (`NotFoundError.entity`) and in the audit trail (`entity_type`). */
  readonly name: N;
  /** The table holding its rows. */
  readonly table: string;
  /**
   * The column row-level security isolates tenants by (`organization_id`, or `id` for
   * organizations); `null` for a global table shared by every organization.
   */
  readonly tenantColumn: string | null;
  /** Field → column, for the fields backed by a column of {@link AggregateDescriptor.table}. */
  readonly columns: { readonly [K in keyof E & string]?: string };
  /** The fields an audit snapshot keeps (a whitelist: anything else never reaches the trail). */
  readonly audited: readonly (keyof E & string)[];
  /** The verbs recorded in the audit trail as `<actionPrefix>.<action>`. */
  readonly actions: readonly A[];
  /**
   * What audit actions are prefixed with. (Default: {@link AggregateDescriptor.name}; a part of
   * an aggregate may record its changes as actions of the root, e.g. `document.add_version`
   * with a `document_version` snapshot.)
   */
  readonly actionPrefix?: P;
}

/** The audit actions a descriptor records: `<actionPrefix>.<action>`. */
export type AuditActionOf<D> = D extends AggregateDescriptor<never, string, infer A, infer P> ? `${P}.${A}` : never;


const isText = (value: unknown) => typeof value === 'string' && value !== '';
const isTextList = (value: unknown) => Array.isArray(value) && value.every(isText);

/**
 * `descriptor` when it has the shape of an {@link AggregateDescriptor}.
 * @throws ValidationError naming each field that has not.
 */
function checkedDescriptor<D extends AggregateDescriptor<never, string, string, string>>(descriptor: D): D {
  if (typeof descriptor !== 'object' || descriptor === null) {
    throw new ValidationError([{ path: 'descriptor', message: 'must be an object' }]);
  }
  const { name, table, tenantColumn, columns, audited, actions, actionPrefix } = descriptor as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (!isText(name)) issues.push({ path: 'name', message: 'must be a non-empty string' });
  if (!isText(table)) issues.push({ path: 'table', message: 'must be a non-empty string' });
  if (tenantColumn !== null && !isText(tenantColumn)) issues.push({ path: 'tenantColumn', message: 'must be a column name or null' });
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns) || !Object.values(columns).every(isText)) {
    issues.push({ path: 'columns', message: 'must map fields to column names' });
  }
  if (!isTextList(audited)) issues.push({ path: 'audited', message: 'must be a list of field names' });
  if (!isTextList(actions)) issues.push({ path: 'actions', message: 'must be a list of action names' });
  if (actionPrefix !== undefined && !isText(actionPrefix)) issues.push({ path: 'actionPrefix', message: 'must be a non-empty string' });
  if (issues.length > 0) throw new ValidationError(issues);
  return descriptor;
}

/**
 * Declares an aggregate. Curried so the entity type is given and the name and actions inferred:
 *
 * @example
 * export const unitAggregate = defineAggregate<Unit>()({
 *   name: 'unit', table: 'units', tenantColumn: 'organization_id',
 *   columns: { id: 'id', organizationId: 'organization_id', code: 'code' },
 *   audited: ['id', 'organizationId', 'code'],
 *   actions: ['create'],
 * });
 *
 * @throws ValidationError when the descriptor does not have the shape of one.
 */
export function defineAggregate<E extends object>() {
  return <const N extends string, const A extends string, const P extends string = N>(
    descriptor: AggregateDescriptor<E, N, A, P>,
  ): AggregateDescriptor<E, N, A, P> =>
    Object.freeze({
      ...checkedDescriptor(descriptor),
      columns: Object.freeze({ ...descriptor.columns }),
      audited: Object.freeze([...descriptor.audited]),
      actions: Object.freeze([...descriptor.actions]),
    });
}
