// Retakes the README's screenshots (docs/screenshots/*.png) from the real UI: builds, runs the UI tests that take them,
// and copies their pictures from test-artifacts/. `--copy-only` copies the pictures of the last UI run without running.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** README picture ← the UI test screenshot it is taken from (test/ui/panel.test.ts, test/ui/statusBar.test.ts). */
const pictures = {
  'panel-compose.png': 'panel-compose-fit-dark.png',
  'panel-compare.png': 'panel-compare-light.png',
  'status-bar-running.png': 'status-bar-running-with-spending.png',
};

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!process.argv.includes('--copy-only')) {
  run(process.execPath, ['scripts/setup.mjs']);
  run(npm, ['run', 'build']);
  run(npm, ['run', 'compile-tests']);
  run(process.execPath, ['out/test/ui/run.js'], { MOCHA_GREP: '^RunComfy Edit panel|^status bar' });
}
const outDir = path.join(root, 'docs', 'screenshots');
fs.mkdirSync(outDir, { recursive: true });
for (const [name, shot] of Object.entries(pictures)) {
  const from = path.join(root, 'test-artifacts', shot);
  if (!fs.existsSync(from)) {
    console.error(`${path.relative(root, from)} is missing: run the UI tests that take it first`);
    process.exit(1);
  }
  fs.copyFileSync(from, path.join(outDir, name));
}
console.log('README screenshots written to docs/screenshots/: look at them before committing');
