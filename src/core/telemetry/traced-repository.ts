import { SPAN_STATUS_ERROR, type SpanLike, type Tracing } from './open-telemetry.js';

/** What a failed operation's span records of the error: its code or class, never its message. */
function recordFailure(span: SpanLike, error: unknown): void {
  const { code, sqlState } = (error ?? {}) as { code?: unknown; sqlState?: unknown };
  const type =
    typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : error instanceof Error ? error.name : '_OTHER';
  span.setAttribute('error.type', type);
  if (typeof sqlState === 'string') span.setAttribute('db.response.status_code', sqlState);
  span.setStatus({ code: SPAN_STATUS_ERROR, message: type });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Every property name of `object` and of its prototypes up to (not including) `Object.prototype`. */
function propertyNames(object: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = object; current && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    for (const name of Object.getOwnPropertyNames(current)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

/**
 * Wraps one method: each call is a span `org-data <repository>.<method>` (kind INTERNAL) with
 * `db.system`, `db.system.name`, `org_data.repository` and `org_data.method`, active while the
 * method runs; on failure `error.type` (the `DataError` code, else the error's class),
 * `db.response.status_code` (the SQLSTATE, when there is one) and status ERROR. Arguments,
 * results and error messages are never recorded. A span that is not sampled costs one no-op span.
 */
function tracedMethod(
  tracing: Tracing,
  repositoryName: string,
  methodName: string,
  method: (...args: unknown[]) => unknown,
  receiver: object,
): (...args: unknown[]) => unknown {
  const spanName = `org-data ${repositoryName}.${methodName}`;
  const attributes = Object.freeze({
    'db.system': 'postgresql',
    'db.system.name': 'postgresql',
    'org_data.repository': repositoryName,
    'org_data.method': methodName,
  });
  return (...args: unknown[]) => {
    const span = tracing.startSpan(spanName, attributes);
    if (!span.isRecording()) {
      span.end();
      return method.apply(receiver, args);
    }
    let result: unknown;
    try {
      result = tracing.withSpan(span, () => method.apply(receiver, args));
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
    if (!isThenable(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        recordFailure(span, error);
        span.end();
        throw error;
      },
    );
  };
}

/**
 * A copy of `repository` whose methods (own, and inherited from a class) each run in a span
 * named `org-data <name>.<method>`; other properties read through to the repository. Methods
 * keep `repository` as `this`. Frozen when the repository is. Anything that is not an object
 * is returned as it is.
 */
export function tracedRepository<R>(name: string, repository: R, tracing: Tracing): R {
  if (repository === null || typeof repository !== 'object') return repository;
  const source = repository as Record<string, unknown>;
  const traced: Record<string, unknown> = {};
  for (const key of propertyNames(source)) {
    const value = source[key];
    if (typeof value === 'function') {
      traced[key] = tracedMethod(tracing, name, key, value as (...args: unknown[]) => unknown, source);
    } else {
      Object.defineProperty(traced, key, { enumerable: true, get: () => source[key] });
    }
  }
  return (Object.isFrozen(repository) ? Object.freeze(traced) : traced) as R;
}
