// File names for saved results: safe stems, numbered names, temp and lock names, and the guarantee that a path stays inside its folder.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { t } from '../common/l10n';

export const DEFAULT_STEM = 'edit';
export const MAX_STEM_LENGTH = 60;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** Cuts by code point so a surrogate pair (an emoji in a file name) is never split in half. */
function truncateCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}

/**
 * A stem that is safe as a single file-name component on every platform: no separators, no `..`, no control or
 * Windows-forbidden characters, not hidden, not a reserved device name, at most ~60 characters; empty becomes 'edit'.
 */
export function sanitizeStem(wish: string): string {
  let stem = (wish ?? '').normalize('NFC');
  // Bidi overrides are dropped with the control characters: they can make 'gnp.exe' display as 'exe.png'.
  stem = stem.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
  stem = stem.replace(/[/\\<>:"|?*]/g, '-');
  stem = stem.replace(/\.{2,}/g, '.');
  stem = stem.replace(/\s+/g, ' ');
  stem = stem.replace(/-{2,}/g, '-');
  // A leading dot would hide the file (and could collide with temp names); trailing dots and spaces vanish on Windows.
  stem = stem.replace(/^[\s.-]+/, '').replace(/[\s.-]+$/, '');
  stem = truncateCodePoints(stem, MAX_STEM_LENGTH).replace(/[\s.-]+$/, '');
  if (stem === '') return DEFAULT_STEM;
  const device = stem.split('.')[0];
  if (WINDOWS_RESERVED.test(device.trim())) stem = `${device}_${stem.slice(device.length)}`;
  return stem;
}

/** A stem wished from an input file name: its base name without the extension. */
export function stemFromFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return sanitizeStem(dot > 0 ? base.slice(0, dot) : base);
}

/** The first 8 characters of a request id, restricted to characters that are safe in any file name. */
export function shortRequestId(requestId: string): string {
  const safe = requestId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8);
  return safe || 'request';
}

/**
 * `<stem>-<id8>[-<n> when several outputs][-<attempt> when taken].<ext>`; the stem is sanitised here too so no caller
 * can slip a separator in.
 */
export function outputStem(stem: string, requestId: string, index: number, count: number, attempt = 1): string {
  const parts = [sanitizeStem(stem), shortRequestId(requestId)];
  if (count > 1) parts.push(String(index + 1));
  if (attempt > 1) parts.push(String(attempt));
  return parts.join('-');
}

export function sidecarNameFor(imageName: string): string {
  const dot = imageName.lastIndexOf('.');
  return `${dot > 0 ? imageName.slice(0, dot) : imageName}.json`;
}

/** Hidden and random, so two writers never share a temp file and the user does not see it in the Explorer. */
export function tempNameFor(stem: string): string {
  return `.${stem}.${randomBytes(6).toString('hex')}.part`;
}

export function lockNameFor(requestId: string): string {
  return `.runcomfy-${requestId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}.lock`;
}

/** Throws unless `candidate` is a direct child of `dir`: the last line of defence against a crafted name. */
export function assertInside(dir: string, candidate: string): string {
  const root = path.resolve(dir);
  const resolved = path.resolve(root, candidate);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || rel.includes(path.sep) || rel.includes('/')) {
    throw new Error(t('refusing to write outside the output folder: {0}', candidate));
  }
  return resolved;
}
