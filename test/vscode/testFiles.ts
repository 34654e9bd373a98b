// Finds compiled test files under out/, skipping leftovers whose TypeScript source was deleted (tsc never prunes out/).
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const outRoot = path.join(repoRoot, 'out');

/** Absolute paths of `*<suffix>` files under `compiledDir` (a folder in out/) that still have a .ts source. */
export function compiledTestFiles(compiledDir: string, suffix = '.test.js'): string[] {
  const sourceDir = path.join(repoRoot, path.relative(outRoot, compiledDir));
  const files: string[] = [];
  for (const file of fs.readdirSync(compiledDir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!file.endsWith(suffix)) {
      continue;
    }
    const source = path.join(sourceDir, file.replace(/\.js$/, '.ts'));
    if (fs.existsSync(source)) {
      files.push(path.join(compiledDir, file));
    } else {
      console.warn(`skipping ${path.join(compiledDir, file)}: its source ${source} no longer exists`);
    }
  }
  return files;
}
