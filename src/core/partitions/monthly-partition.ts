/** A monthly partition: rows with `from <= key < to` (UTC months). */
export interface MonthlyPartition {
  /** `<table>_yYYYYmMM`, e.g. `audit_logs_y2026m02`. */
  readonly name: string;
  /** First instant of the month (UTC). */
  readonly from: Date;
  /** First instant of the next month (UTC). */
  readonly to: Date;
}

/** The first instant (UTC) of month `monthIndex` (0-based, may overflow into other years) of `year`. */
export function monthStart(year: number, monthIndex: number): Date {
  return new Date(Date.UTC(year, monthIndex, 1));
}

/** The partition of `table` for the UTC month starting at `start`. */
export function monthlyPartitionOf(table: string, start: Date): MonthlyPartition {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth();
  return Object.freeze({
    name: `${table}_y${year}m${String(month + 1).padStart(2, '0')}`,
    from: start,
    to: monthStart(year, month + 1),
  });
}

/**
 * Reads a partition name of `table` back into its month; `null` for any other name (the
 * DEFAULT partition, a partition someone attached by hand). `table` is a plain identifier
 * (checked by the spec), so it holds no regular-expression syntax.
 */
export function parseMonthlyPartitionName(table: string, name: string): MonthlyPartition | null {
  const match = new RegExp(`^${table}_y(\\d{4})m(\\d{2})$`).exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return monthlyPartitionOf(table, monthStart(Number(match[1]), month - 1));
}
