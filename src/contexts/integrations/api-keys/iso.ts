/** An instant as event payloads write it (`2026-12-02T07:30:00.000Z`), or `null`. */
export function isoTimestampOf(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
