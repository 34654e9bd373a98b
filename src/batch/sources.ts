// Which images a batch covers: folders expanded recursively to the formats fitting reads, sorted by path, under one root; and its output folder.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { t } from '../common/l10n';
import { ACCEPTED_FORMATS_TEXT, isImageFileName } from '../imaging/formats';
import { sanitizeStem } from '../jobs/naming';
import { MAX_BATCH_ITEMS } from './batch';
import { SUMMARY_FILE } from './summary';

/** Folders never searched: tools' and version control's own, and hidden ones. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export interface BatchSources {
  /** Absolute paths, sorted by their path below the root. */
  files: string[];
  /** The deepest folder holding every source (a single folder given is its own root). */
  root: string;
}

export class SourceError extends Error {}

function byPath(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Expands files and folders to the images in them. A named file must be an image; a folder contributes every image
 * below it, skipping hidden entries, symbolic links to folders and `exclude` (the output folder, so earlier results
 * are not edited again).
 */
export async function expandSources(paths: readonly string[], exclude: readonly string[] = []): Promise<BatchSources> {
  if (paths.length === 0) throw new SourceError(t('No images or folders were given.'));
  const found = new Set<string>();
  const anchors: string[] = [];
  const add = (file: string) => {
    found.add(file);
    if (found.size > MAX_BATCH_ITEMS) throw new SourceError(t('More than {0} images were found; split the work into smaller batches.', MAX_BATCH_ITEMS));
  };
  for (const given of paths) {
    const abs = path.resolve(given);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      throw new SourceError(t('"{0}" was not found.', given));
    }
    if (stat.isDirectory()) {
      anchors.push(abs);
      // Only what lies strictly inside: an output folder that is the source folder itself (`${fileDirname}`) excludes nothing.
      const below = exclude.map((e) => path.resolve(e)).filter((e) => e !== abs && inside(abs, e));
      await walk(abs, below, add, true);
    } else if (stat.isFile()) {
      if (!isImageFileName(abs)) throw new SourceError(t('"{0}" is not an image this extension can send ({1}).', path.basename(abs), ACCEPTED_FORMATS_TEXT));
      anchors.push(path.dirname(abs));
      add(abs);
    } else {
      throw new SourceError(t('"{0}" is neither a file nor a folder.', given));
    }
  }
  if (found.size === 0) throw new SourceError(t('No images ({0}) were found in {1}.', ACCEPTED_FORMATS_TEXT, paths.map((p) => path.basename(p)).join(', ')));
  const root = commonRoot(anchors);
  const files = [...found].sort((a, b) => byPath(relativeSource(root, a), relativeSource(root, b)));
  return { files, root };
}

async function walk(dir: string, exclude: readonly string[], add: (file: string) => void, top = false): Promise<void> {
  if (exclude.some((e) => inside(e, dir))) return;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new SourceError(t('The folder {0} cannot be read ({1}).', dir, (e as NodeJS.ErrnoException).code ?? String(e)));
  }
  // An earlier batch's results (they sit beside its batch.json) are not sources, unless that folder was chosen itself.
  if (!top && entries.some((e) => e.name === SUMMARY_FILE && e.isFile())) return;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full, exclude, add);
    } else if (isImageFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      add(full);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The deepest folder that holds every one of `dirs`. */
export function commonRoot(dirs: readonly string[]): string {
  let root = path.resolve(dirs[0]);
  for (const dir of dirs.slice(1)) {
    while (!inside(root, path.resolve(dir))) {
      const parent = path.dirname(root);
      if (parent === root) return root;
      root = parent;
    }
  }
  return root;
}

/** The source's path below the root with `/` separators; never climbs out of it. */
export function relativeSource(root: string, file: string): string {
  const rel = path.relative(root, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel).split(path.sep).join('/');
}

/** Where one item's results go: its relative folder inside the batch folder (each segment made safe). */
export function itemOutputDir(batchFolder: string, relative: string): string {
  const segments = relative
    .split('/')
    .slice(0, -1)
    .map((s) => sanitizeStem(s));
  return path.join(batchFolder, ...segments);
}

/** A new folder for this batch's results, never one that exists: `batch-2025-01-31-142501-photos`, then `-2`, `-3`… */
export async function newBatchFolder(outputFolder: string, label: string, at: Date): Promise<string> {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  const base = `batch-${stamp}-${sanitizeStem(label)}`;
  await fs.mkdir(outputFolder, { recursive: true });
  for (let n = 1; ; n++) {
    const candidate = path.join(outputFolder, n === 1 ? base : `${base}-${n}`);
    try {
      await fs.mkdir(candidate);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw e;
    }
  }
}

/** The batch's short name: its root folder's. */
export function labelOf(root: string): string {
  return path.basename(root) || root;
}
