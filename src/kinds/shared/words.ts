/** Numbers as the operator reads them in summaries. */
export { formatBytes } from '../../domain/format.js';

/** `3 d`, `5 h`, `12 min`, `40 s`: the largest unit that fits. */
export function formatDurationShort(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d`;
  if (s >= 3_600) return `${Math.floor(s / 3_600)} h`;
  if (s >= 60) return `${Math.floor(s / 60)} min`;
  return `${s} s`;
}
