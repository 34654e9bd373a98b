// Images that arrive as bytes (pasted from the clipboard, dropped from outside VS Code): checked, then saved under the output folder's inputs/ without ever overwriting a file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MAX_IMAGE_BYTES } from '../api/model';
import { t } from '../common/l10n';
import { formatMb } from '../common/megabytes';
import { isImageFileName, sniffSourceFormat } from '../imaging/formats';
import type { SourceFormat } from '../imaging/fitTypes';

/** The subfolder of the output folder that holds pasted and copied inputs, so every result's sidecar points at a real file. */
export const INPUTS_FOLDER = 'inputs';

export type ImportSource = 'paste' | 'drop';

export interface ImportedBytes {
  source: ImportSource;
  /** The dropped file's own name; a pasted image has none. */
  name?: string;
  bytes: Uint8Array;
}

const EXTENSION: Record<SourceFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif', bmp: 'bmp', tiff: 'tiff', avif: 'avif', heic: 'heic' };

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/** `pasted-20261207-153012.png`, in local time: a name that sorts by when it was pasted. */
export function pastedFileName(now: Date): string {
  const date = `${now.getFullYear()}${twoDigits(now.getMonth() + 1)}${twoDigits(now.getDate())}`;
  const time = `${twoDigits(now.getHours())}${twoDigits(now.getMinutes())}${twoDigits(now.getSeconds())}`;
  return `pasted-${date}-${time}.png`;
}

/** A dropped file's own name made safe for any file system; the extension of its real format when it has no image extension. */
export function droppedFileName(name: string, format: SourceFormat): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  let safe = base
    .replace(/[<>:"|?*\p{Cc}]/gu, '-')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 120);
  if (safe === '') safe = 'dropped';
  return isImageFileName(safe) ? safe : `${safe}.${EXTENSION[format]}`;
}

/** Why these bytes are not saved as an input, or undefined; a paste must be a PNG (the panel converts other clipboard images). */
export function importProblem(item: ImportedBytes): string | undefined {
  const label = item.name ?? t('The pasted image');
  if (item.bytes.length === 0) return t('{0} is empty.', label);
  if (item.bytes.length > MAX_IMAGE_BYTES) {
    return t('{0} is {1}; each image must be at most 15 MB.', label, formatMb(item.bytes.length, MAX_IMAGE_BYTES));
  }
  const format = sniffSourceFormat(item.bytes);
  if (item.source === 'paste' && format !== 'png') return t('The pasted image is not a PNG image, so it was not saved.');
  if (!format) return t('{0} is not an image the edit can read (PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC).', label);
  return undefined;
}

/** `name`, or `stem-2.ext`, `stem-3.ext`… for the first name not taken; the file is created exclusively, so nothing is overwritten. */
export async function writeNewFile(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const target = path.join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await fs.writeFile(target, bytes, { flag: 'wx' });
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(t('No free file name for {0} in {1}.', name, dir));
}

/** Checks `item` and saves it in `inputsDir`; resolves to the new file's path. Throws the check's sentence when refused. */
export async function saveImportedImage(inputsDir: string, item: ImportedBytes, now: Date): Promise<string> {
  const problem = importProblem(item);
  if (problem) throw new Error(problem);
  const format = sniffSourceFormat(item.bytes) ?? 'png';
  const name = item.source === 'paste' ? pastedFileName(now) : droppedFileName(item.name ?? '', format);
  return writeNewFile(inputsDir, name, item.bytes);
}
