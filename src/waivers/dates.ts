// Waiver dates are calendar days in UTC: a waiver `expires: 2026-03-01` applies through 2026-03-01 23:59:59 UTC.

/** The UTC calendar day of `now` as YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Is `day` (YYYY-MM-DD) a real calendar date? (The schema only checks the shape: 2026-02-30 is not one.) */
export function isCalendarDate(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

export function isExpired(expires: string, now: Date): boolean {
  return expires < utcDay(now);
}

/** Whole days from today (UTC) to `day`. */
export function daysAhead(day: string, now: Date): number {
  const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
  return Math.round((Date.parse(`${day}T00:00:00Z`) - today) / 86_400_000);
}
