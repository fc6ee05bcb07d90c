import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Marks a parameter slot while the query is compiled; NUL cannot occur in real text values. */
const SLOT = '\u0000org-data-slot:';

/**
 * Builds a query once, compiles it on first use, and afterwards only swaps in new parameter
 * values: hot reads skip Kysely's per-call building and compiling (measured at 25–55 µs per
 * call on the benchmark machine, over 10% of a local round trip).
 *
 * `build` receives stand-ins for the named parameters; each must be passed to the query as a
 * plain value (not inspected, concatenated or branched on), so that it becomes exactly one
 * bound parameter. Plugins' result transforms still run; the SQL is fixed at first use.
 *
 * @throws Error at first use when a named parameter did not end up as a bound parameter.
 */
export function preparedQuery<P extends Record<string, unknown>, R>(
  db: Kysely<any>,
  build: (params: P) => Compilable<R>,
): (params: P) => Promise<R[]> {
  let compiled: { sql: string; slots: readonly (string | { value: unknown })[] } | undefined;

  const compile = () => {
    const used = new Set<string>();
    const standIns = new Proxy({} as P, {
      get: (_, key) => {
        used.add(String(key));
        return `${SLOT}${String(key)}`;
      },
    });
    const query = build(standIns).compile();
    const slots = query.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(SLOT) ? value.slice(SLOT.length) : { value },
    );
    for (const key of used) {
      if (!slots.includes(key)) throw new Error(`preparedQuery: parameter ${key} is not a bound parameter`);
    }
    return { sql: query.sql, slots };
  };

  return async (params: P) => {
    compiled ??= compile();
    const values = compiled.slots.map((slot) => (typeof slot === 'string' ? params[slot] : slot.value));
    const result = await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, values));
    return result.rows;
  };
}
