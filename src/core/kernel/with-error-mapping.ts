import { mapDatabaseError } from '../errors/map-database-error.js';

type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : T[K];
};

/**
 * Returns a frozen copy of `methods` whose functions rethrow driver errors as typed
 * {@link DataError}s via `mapDatabaseError`, so every repository maps SQLSTATEs the same way.
 */
export function withErrorMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  methods: T,
): AsyncMethods<T> {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(methods)) wrapped[key] = mapped(methods[key]!);
  return Object.freeze(wrapped) as AsyncMethods<T>;
}

/** Rethrows `error` as a typed `DataError`. */
function rethrowMapped(error: unknown): never {
  throw mapDatabaseError(error);
}

/**
 * `method` with its rejections mapped: one `then` on its promise, not an async wrapper (no
 * argument array, no second async frame per call).
 */
function mapped(method: (...args: never[]) => Promise<unknown>): (...args: never[]) => Promise<unknown> {
  return function (this: unknown) {
    let result: Promise<unknown>;
    try {
      result = method.apply(this, arguments as unknown as never[]);
    } catch (error) {
      return Promise.reject(mapDatabaseError(error));
    }
    return Promise.resolve(result).then(undefined, rethrowMapped);
  };
}
