const DAY_MS = 86_400_000;

/** Whole days between an ISO timestamp and now (0 for future dates). */
export function ageInDays(updated: string, now: Date): number {
  const time = Date.parse(updated);
  if (Number.isNaN(time)) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((now.getTime() - time) / DAY_MS));
}

export function isStale(updated: string, thresholdDays: number, now: Date): boolean {
  return ageInDays(updated, now) > thresholdDays;
}
