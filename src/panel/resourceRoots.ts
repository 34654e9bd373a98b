// Which folders the panel's page may read. Changing a webview's roots reloads its page, so the roots only ever grow.
import * as path from 'node:path';

/** True when `root` is `folder` or one of its parents. */
function covers(root: string, folder: string): boolean {
  const relative = path.relative(root, folder);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The folders of `wanted` that no folder of `current` (nor an earlier one of `wanted`) already covers, in order. Empty
 * when the page can already read everything wanted, so its roots stay as they are and the page is not reloaded.
 */
export function uncoveredFolders(current: readonly string[], wanted: readonly string[]): string[] {
  const added: string[] = [];
  for (const folder of wanted) {
    if (![...current, ...added].some((root) => covers(root, folder))) added.push(folder);
  }
  return added;
}
