// Runs the integration tests in a real VS Code (code-server) through @vscode/test-electron's runTests().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyFixtureWorkspace, repoRoot } from '../vscode/codeServer';

/** Executable runTests() spawns in place of VS Code; it runs out/test/vscode/launcher.js. */
const launcher = path.join(repoRoot, 'test', 'vscode', 'launcher.sh');

async function main(): Promise<number> {
  // Tests write into their workspace: they get a throwaway copy, so the repository stays clean.
  const workspace = copyFixtureWorkspace();
  fs.chmodSync(launcher, 0o755);
  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite.js'),
      launchArgs: [workspace.dir],
      extensionTestsEnv: { INTEGRATION_TEST_WORKSPACE: workspace.dir },
      // The launcher makes its own temp profile; nothing goes to .vscode-test/.
      reuseMachineInstall: true,
    });
    console.log(`integration tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    console.error(`integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    workspace.remove();
  }
}

void main().then((code) => process.exit(code));
