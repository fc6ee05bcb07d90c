import { createRequire } from 'node:module';

/** The optional peer dependency that repository spans go through. */
const OPENTELEMETRY_API_PACKAGE = '@opentelemetry/api';

/** The part of a span this package uses (`@opentelemetry/api` `Span`), typed here so that the package need not be installed. */
export interface SpanLike {
  isRecording(): boolean;
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of a tracer this package uses. */
interface TracerLike {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string> }): SpanLike;
}

/** The part of `@opentelemetry/api` this package uses. */
interface OpenTelemetryApi {
  readonly trace: {
    getTracerProvider(): { getDelegate?: () => unknown };
    getTracer(name: string, version?: string): TracerLike;
    setSpan(context: unknown, span: SpanLike): unknown;
  };
  readonly context: {
    active(): unknown;
    with<R>(context: unknown, fn: () => R): R;
  };
  readonly ProxyTracerProvider: new () => { getDelegate(): unknown };
}

/** What repository spans need: a tracer and a way to run a call with a span active. */
export interface Tracing {
  /** Starts a span (not yet active). */
  startSpan(name: string, attributes: Record<string, string>): SpanLike;
  /** Runs `fn` with `span` as the active span, so spans started inside it (pg instrumentation) are its children. */
  withSpan<R>(span: SpanLike, fn: () => R): R;
}

/** `SpanKind.INTERNAL` and `SpanStatusCode.ERROR` of `@opentelemetry/api` (stable numbers since 1.0). */
const SPAN_KIND_INTERNAL = 0;
export const SPAN_STATUS_ERROR = 2;

/** The tracer's name (the instrumentation scope of every span). */
const TRACER_NAME = '@org/data';

/**
 * Loads `@opentelemetry/api` synchronously, relative to this file (`__filename` in the CommonJS
 * build and under vitest, `import.meta.url` in the ESM build), so spans are there from the
 * first call. Anything that goes wrong (not installed, a broken install) means no tracing, and
 * nothing is thrown or logged.
 */
function load(): OpenTelemetryApi | undefined {
  try {
    const from = typeof __filename === 'string' ? __filename : import.meta.url;
    const api = createRequire(from)(OPENTELEMETRY_API_PACKAGE) as Partial<OpenTelemetryApi>;
    if (typeof api?.trace?.getTracer !== 'function' || typeof api.context?.with !== 'function') return undefined;
    return api as OpenTelemetryApi;
  } catch {
    return undefined;
  }
}

/** The tracing of the provider registered last time it was asked for. */
let cached: { readonly delegate: unknown; readonly tracing: Tracing } | undefined;

/** `@opentelemetry/api` (or `undefined`) and its no-op provider, loaded on the first call. */
let loaded: { readonly api: OpenTelemetryApi | undefined; readonly noop: unknown } | undefined;

/**
 * Where every copy of `@opentelemetry/api` 1.x (the peer range) keeps its global registrations
 * (its `internal/global-utils`): `trace.setGlobalTracerProvider` stores the API's proxy under
 * `trace` there, and `trace.disable()` deletes it. Without a `trace` entry no copy of the API
 * has a tracer provider registered, and `getTracerProvider()` would answer the no-op one.
 */
const OPENTELEMETRY_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * The tracing to use now, or `undefined` when `@opentelemetry/api` is not installed or no
 * tracer provider is registered with it: then callers skip tracing entirely. Asked once per
 * repository built, so a provider registered later is picked up from then on.
 */
export function activeTracing(): Tracing | undefined {
  // No provider registered (the API's global has no `trace`): one property read, not the API's
  // provider lookup (measured: 2.7 µs per repository built, in a tenant unit of work between
  // BEGIN's answer and the first statement).
  if ((globalThis as { [OPENTELEMETRY_GLOBAL]?: { trace?: unknown } })[OPENTELEMETRY_GLOBAL]?.trace === undefined) return undefined;
  loaded ??= (() => {
    const api = load();
    // The API's no-op provider: what its global proxy delegates to while none is registered.
    let noop: unknown;
    try {
      noop = api ? new api.ProxyTracerProvider().getDelegate() : undefined;
    } catch {
      noop = undefined;
    }
    return { api, noop };
  })();
  const { api, noop } = loaded;
  if (!api) return undefined;
  try {
    const provider = api.trace.getTracerProvider();
    const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
    if (delegate === noop) return undefined;
    if (cached === undefined || cached.delegate !== delegate) {
      const tracer = api.trace.getTracer(TRACER_NAME);
      cached = {
        delegate,
        tracing: {
          startSpan: (name, attributes) => tracer.startSpan(name, { kind: SPAN_KIND_INTERNAL, attributes }),
          withSpan: (span, fn) => api.context.with(api.trace.setSpan(api.context.active(), span), fn),
        },
      };
    }
    return cached.tracing;
  } catch {
    return undefined;
  }
}
