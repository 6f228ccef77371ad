// Timestamps and durations as the findings show them.

/** Epoch ms of an API timestamp (client-node gives Date objects; plain JSON gives strings). */
export function epoch(value: Date | string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) {
    const minutes = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)}h${minutes ? `${minutes}m` : ''}`;
  }
  return `${Math.floor(s / 86_400)}d`;
}
