/** How long ago, roughly, for people: `45s`, `12m`, `3h`, `6d`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

/** `3h ago`, or `-` when there is no time. */
export function ago(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${duration(now.getTime() - at)} ago`;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
