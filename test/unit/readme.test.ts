// The README's "Try it" and "Run the tests" commands are what the fresh-clone suite runs, and what CI runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readmeCommands } from '../freshClone/readme';

const root = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README commands', () => {
  it('"Try it" starts the demo, and checks it', () => {
    assert.deepEqual(readmeCommands(readme, 'Try it'), ['npm run demo', 'npm run demo -- --check']);
  });

  it('"Run the tests" is npm test, which ends with the fresh-clone suite', () => {
    assert.deepEqual(readmeCommands(readme, 'Run the tests'), ['npm test']);
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.test, /^node scripts\/setup\.mjs && .*npm run test:fresh-clone$/);
  });

  it('.ci/run runs npm test and no other command of substance', () => {
    const commands = fs
      .readFileSync(path.join(root, '.ci', 'run'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^(npm|node|bash|npx)\b/.test(line) || /\b(npm|npx) /.test(line));
    assert.deepEqual(commands, ['npm test 2>&1 | tee "$log" || status=$?']);
  });

  it('reads only ```sh blocks of the section asked for', () => {
    const text = '# t\n## Try it\n```ts\nconst x = 1;\n```\n```sh\na   # note\n\nb\n```\n## Other\n```sh\nc\n```\n';
    assert.deepEqual(readmeCommands(text, 'Try it'), ['a', 'b']);
    assert.throws(() => readmeCommands(text, 'Missing'), /no "## Missing" section/);
  });
});
