// File sizes in messages: megabytes with one decimal, and the exact count when rounding would hide that a limit is exceeded.
import { t } from './l10n';

export function formatMb(bytes: number, limit: number): string {
  const mb = (bytes / (1024 * 1024)).toFixed(1);
  // "15.0 MB; at most 15 MB" would read as a contradiction, so the exact count is added when rounding hides the excess.
  return bytes > limit && Number(mb) <= limit / (1024 * 1024) ? t('{0} MB ({1} bytes)', mb, bytes) : t('{0} MB', mb);
}
