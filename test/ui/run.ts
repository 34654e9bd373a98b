// Runs the UI tests with mocha against code-server in chromium, in both configurations; ends with "N passed, N failed".
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { repoRoot } from '../vscode/codeServer';
import { compiledTestFiles } from '../vscode/testFiles';
import { setUiSession } from './session';
import { startSession, type Configuration, type RunningSession } from './sessions';
import { artifactsDir, screenshot } from './workbench';

const timeoutMs = Number(process.env.UI_TEST_TIMEOUT_MS ?? 15 * 60_000);

/** Tests that need VS Code exactly as users run it live in test/ui/installed/; all others in test/ui/. */
const installedDir = path.join(__dirname, 'installed');

interface Outcome {
  passed: number;
  failed: number;
}

function testFiles(configuration: Configuration): string[] {
  if (configuration === 'installed') {
    return fs.existsSync(installedDir) ? compiledTestFiles(installedDir) : [];
  }
  return compiledTestFiles(__dirname).filter((file) => !file.startsWith(installedDir + path.sep));
}

function newMocha(): Mocha {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    rootHooks: {
      async afterEach(this: Mocha.Context) {
        const page = current?.session.page;
        if (!page) return;
        const test = this.currentTest;
        if (test?.state === 'failed') {
          const file = await screenshot(page, `ui-failure-${test.fullTitle()}`).catch(() => undefined);
          if (file) {
            console.log(`    screenshot: ${path.relative(repoRoot, file)}`);
          }
        }
        // Leave no menu, quick pick or dialog behind for the next test.
        await page.keyboard.press('Escape').catch(() => undefined);
        await page.keyboard.press('Escape').catch(() => undefined);
      },
    },
  });
  if (process.env.MOCHA_GREP) {
    mocha.grep(process.env.MOCHA_GREP);
  }
  return mocha;
}

/** How many tests of `suite` mocha will run (MOCHA_GREP applied), so a configuration with none is not started. */
function selectedTests(suite: Mocha.Suite, grep: RegExp | undefined): number {
  const own = suite.tests.filter((test) => !grep || grep.test(test.fullTitle())).length;
  return own + suite.suites.reduce((sum, child) => sum + selectedTests(child, grep), 0);
}

let current: RunningSession | undefined;

async function runConfiguration(configuration: Configuration, consoleLog: fs.WriteStream): Promise<Outcome> {
  const files = testFiles(configuration);
  const mocha = newMocha();
  for (const file of files) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  const grep = process.env.MOCHA_GREP ? new RegExp(process.env.MOCHA_GREP) : undefined;
  if (selectedTests(mocha.suite, grep) === 0) {
    return { passed: 0, failed: 0 };
  }
  console.log(`\nVS Code ${configuration === 'installed' ? 'as installed from the .vsix (no test driver)' : 'with the extension in development'}`);
  try {
    current = await startSession(configuration, (line) => consoleLog.write(`[${configuration}] ${line}\n`));
  } catch (error) {
    console.error(`UI test setup (${configuration}) failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
    return { passed: 0, failed: 1 };
  }
  setUiSession(current.session);
  try {
    return await new Promise<Outcome>((resolve) => {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
    });
  } finally {
    setUiSession(undefined);
    fs.writeFileSync(path.join(artifactsDir, `ui-code-server-${configuration}.log`), current.serverOutput());
    await current.stop();
    current = undefined;
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  // Failure screenshots of an earlier run would read as this run's.
  for (const name of fs.readdirSync(artifactsDir)) {
    if (/^ui-(failure|setup-failure)\b.*\.png$/.test(name)) {
      fs.rmSync(path.join(artifactsDir, name), { force: true });
    }
  }
  const consoleLog = fs.createWriteStream(path.join(artifactsDir, 'ui-console.log'));
  const abort = (reason: string, code: number): void => {
    console.error(`\n${reason}`);
    console.log('0 passed, 1 failed');
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  const timer = setTimeout(() => abort(`UI tests did not finish within ${timeoutMs} ms`, 1), timeoutMs);
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  const total: Outcome = { passed: 0, failed: 0 };
  for (const configuration of ['development', 'installed'] as const) {
    const outcome = await runConfiguration(configuration, consoleLog);
    total.passed += outcome.passed;
    total.failed += outcome.failed;
  }
  clearTimeout(timer);
  consoleLog.end();
  console.log(`${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
