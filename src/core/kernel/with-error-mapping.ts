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
  for (const [key, method] of Object.entries(methods)) {
    wrapped[key] = async (...args: never[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw mapDatabaseError(error);
      }
    };
  }
  return Object.freeze(wrapped) as AsyncMethods<T>;
}
