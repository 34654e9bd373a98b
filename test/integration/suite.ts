// Test module loaded by VS Code's extension host: runs every out/test/integration/**/*.test.js with mocha.
import Mocha from 'mocha';
import { compiledTestFiles } from '../vscode/testFiles';

/** Entry point VS Code calls; rejects when a test fails. MOCHA_GREP narrows the run. */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  const grep = process.env.MOCHA_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  const files = compiledTestFiles(__dirname);
  if (files.length === 0) {
    throw new Error(`no *.test.js files under ${__dirname}`);
  }
  for (const file of files) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) {
    throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`);
  }
}
