// Test module loaded by VS Code's extension host for the package test: runs smoke.test.js with mocha.
import * as path from 'node:path';
import Mocha from 'mocha';

/** Entry point VS Code calls; rejects when a test fails. */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  mocha.addFile(path.join(__dirname, 'smoke.test.js'));
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) {
    throw new Error(`${failures} package smoke test${failures === 1 ? '' : 's'} failed`);
  }
}
