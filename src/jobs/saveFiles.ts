// Small helpers the saver's parts share: error codes, quiet deletes, sizes and URLs as a log line may show them.
import { promises as fs } from 'node:fs';
import { t } from '../common/l10n';
import { withoutQuery } from '../common/privateUrl';
import { hostOf } from './hostPolicy';

export function errnoOf(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as NodeJS.ErrnoException).code : undefined;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function mib(bytes: number): string {
  if (bytes < 1024 * 1024) return t('{0} KB', Math.ceil(bytes / 1024));
  return t('{0} MB', (bytes / (1024 * 1024)).toFixed(1));
}

/** Origin and path, without a query that may carry a signature: what a log line may show. */
export function loggableUrl(url: string): string {
  try {
    new URL(url);
    return withoutQuery(url);
  } catch {
    return hostOf(url);
  }
}

export async function unlinkQuietly(filePath: string): Promise<void> {
  try {
    await fs.unlink(filePath);
  } catch {
    // Already gone, or never created: either way nothing is left behind.
  }
}

export async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.lstat(filePath);
    return true;
  } catch (error) {
    return errnoOf(error) !== 'ENOENT';
  }
}
