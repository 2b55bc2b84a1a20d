/** ISO 8601 in UTC to the second ("2026-01-31T09:00:00Z"), the one date format sources and tools exchange. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
