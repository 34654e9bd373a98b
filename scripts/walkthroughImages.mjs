// Retakes the Get Started walkthrough's pictures (media/walkthrough/*.png) from the real UI: builds, then runs the walkthrough UI test with writing on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['scripts/setup.mjs']);
run(npm, ['run', 'build']);
run(npm, ['run', 'compile-tests']);
run(process.execPath, ['out/test/ui/run.js'], { WALKTHROUGH_IMAGES: '1', MOCHA_GREP: '^walkthrough images' });
console.log('walkthrough images written to media/walkthrough/: look at them before committing');
