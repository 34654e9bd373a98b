// Where results may be written: the output folder as the file system resolves it (symlinks followed) must stay inside its root.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { t } from '../common/l10n';

/** Where results go, and the folder they must stay inside. */
export interface OutputPlace {
  /** Absolute; created when missing. */
  outputDir: string;
  /**
   * The workspace folder (or the folder the setting was resolved against) that `outputDir` must resolve inside;
   * undefined only when the user chose an absolute folder in their own user settings.
   */
  outputRoot: string | undefined;
}

/** The real path of `target`: its deepest existing ancestor resolved through every symlink, with the missing rest appended. */
export async function realPathOf(target: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return missing.length > 0 ? path.join(real, ...missing.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) return path.resolve(target);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/**
 * Why results must not be written to `outputDir`, or undefined. A repository can commit its results folder as a
 * symlink to anywhere; the folder counts where it really is, not where its name says.
 */
export async function outputFolderProblem(place: OutputPlace): Promise<string | undefined> {
  if (place.outputRoot === undefined) return undefined;
  const [realRoot, realDir] = await Promise.all([realPathOf(place.outputRoot), realPathOf(place.outputDir)]);
  if (isInside(realRoot, realDir)) return undefined;
  const where = realDir === path.resolve(place.outputDir) ? place.outputDir : t('{0} (which leads to {1})', place.outputDir, realDir);
  return t(
    'The output folder {0} is outside the workspace folder {1}, so nothing is written there. Use a folder inside the workspace, or set an absolute runcomfy.outputFolder in your user settings to save elsewhere.',
    where,
    place.outputRoot,
  );
}
