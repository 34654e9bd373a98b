// Checks the packaged .vsix, installs it into a fresh extensions folder and runs the smoke test in a real VS Code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyFixtureWorkspace, repoRoot } from '../vscode/codeServer';
import { extensionId } from './names';
import { checkVsixEntries, installVsix, listVsixEntries, vsixFile } from './vsix';

/** Executable runTests() spawns in place of VS Code; it runs out/test/vscode/launcher.js. */
const launcher = path.join(repoRoot, 'test', 'vscode', 'launcher.sh');

/**
 * VS Code runs an extensionTestsPath only beside at least one extensionDevelopmentPath. This empty extension, with
 * another id, fills that role, so the extension under test is the one installed from the .vsix.
 */
function writeHostExtension(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'package-test-host',
    displayName: 'Package test host',
    description: 'Empty extension that lets VS Code run the package smoke test.',
    publisher: 'runcomfy-edit-tests',
    version: '0.0.0',
    engines: { vscode: '^1.100.0' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<number> {
  const started = Date.now();
  if (!fs.existsSync(vsixFile)) {
    console.error(`${vsixFile} is missing: run \`npm run package\` first`);
    return 1;
  }
  const entries = listVsixEntries(vsixFile);
  console.log(`${path.basename(vsixFile)}: ${kilobytes(fs.statSync(vsixFile).size)}, ${entries.length} files`);
  for (const entry of entries) {
    console.log(`  ${entry.name.padEnd(34)} ${kilobytes(entry.size).padStart(10)}`);
  }
  const problems = checkVsixEntries(entries);
  if (problems.length > 0) {
    console.error(`the .vsix holds the wrong files:\n  ${problems.join('\n  ')}`);
    return 1;
  }

  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-smoke-'));
  const extensionsDir = path.join(tempRoot, 'extensions');
  const hostExtension = path.join(tempRoot, 'host-extension');
  const workspace = copyFixtureWorkspace();
  try {
    const installed = await installVsix(vsixFile, extensionsDir);
    console.log(`installed ${extensionId} into ${installed}`);
    writeHostExtension(hostExtension);
    fs.chmodSync(launcher, 0o755);
    await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath: hostExtension,
      extensionTestsPath: path.join(__dirname, 'suite.js'),
      launchArgs: [workspace.dir, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: {
        PACKAGE_TEST_EXTENSIONS_DIR: extensionsDir,
        PACKAGE_TEST_REPO_ROOT: repoRoot,
        // The token must come from the test's own command, not from the caller's environment.
        RUNCOMFY_API_TOKEN: '',
      },
      // The launcher makes its own temp profile; nothing goes to .vscode-test/.
      reuseMachineInstall: true,
    });
    console.log(`package smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    console.error(`package smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    workspace.remove();
    fs.rmSync(tempRoot, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
