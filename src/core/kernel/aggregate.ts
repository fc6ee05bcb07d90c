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
 */
export function defineAggregate<E extends object>() {
  return <const N extends string, const A extends string, const P extends string = N>(
    descriptor: AggregateDescriptor<E, N, A, P>,
  ): AggregateDescriptor<E, N, A, P> =>
    Object.freeze({
      ...descriptor,
      columns: Object.freeze({ ...descriptor.columns }),
      audited: Object.freeze([...descriptor.audited]),
      actions: Object.freeze([...descriptor.actions]),
    });
}
