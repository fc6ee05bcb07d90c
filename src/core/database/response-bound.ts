/** Added to a `statement_timeout` for a response bound: network and scheduling slack, in ms. */
const RESPONSE_MARGIN_MS = 5_000;

/**
 * The client-side response bound for statements that run under `statementTimeoutMs` (the
 * server cancels them then): that timeout plus a margin, or `0` (no bound) when the statement
 * timeout is `0` (disabled), since a statement may then legitimately run for ever.
 */
export function responseBoundFor(statementTimeoutMs: number): number {
  return statementTimeoutMs === 0 ? 0 : statementTimeoutMs + RESPONSE_MARGIN_MS;
}
