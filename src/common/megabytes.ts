// File sizes in messages: megabytes with one decimal, and the exact count when rounding would hide that a limit is exceeded.
import { formatNumber, t, tn } from './l10n';

export function formatMb(bytes: number, limit: number): string {
  const mb = (bytes / (1024 * 1024)).toFixed(1);
  const shown = formatNumber(Number(mb), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // "15.0 MB; at most 15 MB" would read as a contradiction, so the exact count is added when rounding hides the excess.
  return bytes > limit && Number(mb) <= limit / (1024 * 1024) ? tn(bytes, '{1} MB ({0} byte)|{1} MB ({0} bytes)', shown) : t('{0} MB', shown);
}
