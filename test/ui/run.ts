// Runs the UI tests (out/test/ui/**/*.test.js) with mocha against code-server in chromium; ends with "N passed, N failed".
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { startEmulator, type Emulator } from '../emulator/server';
import {
  copyFixtureWorkspace,
  openWorkbench,
  repoRoot,
  startCodeServer,
  type CodeServer,
  type Workbench,
} from '../vscode/codeServer';
import { compiledTestFiles } from '../vscode/testFiles';
import { setUiSession } from './session';
import { artifactsDir, screenshot, waitForCommand, waitForWorkbench } from './workbench';

const timeoutMs = Number(process.env.UI_TEST_TIMEOUT_MS ?? 10 * 60_000);

/** The token the extension host gets through RUNCOMFY_API_TOKEN; the emulator refuses any other. */
const apiToken = 'ui-test-token-0123456789';

/** Job timing in real time: long enough to watch the status bar while a job queues and runs. */
const emulatorQueueMs = 2500;
const emulatorRunMs = 3500;

interface Outcome {
  passed: number;
  failed: number;
}

async function runMocha(workbench: Workbench): Promise<Outcome> {
  const page = workbench.page;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    rootHooks: {
      async afterEach(this: Mocha.Context) {
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
  const files = compiledTestFiles(__dirname);
  if (files.length === 0) {
    throw new Error(`no *.test.js files under ${__dirname}`);
  }
  for (const file of files) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  return new Promise<Outcome>((resolve) => {
    const runner = mocha.run(() => {
      resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 });
    });
  });
}

async function main(): Promise<number> {
  const workspace = copyFixtureWorkspace();
  let server: CodeServer | undefined;
  let emulator: Emulator | undefined;
  let workbench: Workbench | undefined;
  fs.mkdirSync(artifactsDir, { recursive: true });
  // Failure screenshots of an earlier run would read as this run's.
  for (const name of fs.readdirSync(artifactsDir)) {
    if (/^ui-(failure|setup-failure)\b.*\.png$/.test(name)) {
      fs.rmSync(path.join(artifactsDir, name), { force: true });
    }
  }
  const consoleLog = fs.createWriteStream(path.join(artifactsDir, 'ui-console.log'));
  const cleanup = async (): Promise<void> => {
    await workbench?.close();
    if (server) {
      fs.writeFileSync(path.join(artifactsDir, 'ui-code-server.log'), server.output());
      await server.stop();
    }
    await emulator?.close();
    consoleLog.end();
    workspace.remove();
  };
  const abort = (reason: string, code: number): void => {
    console.error(`\n${reason}`);
    console.log('0 passed, 1 failed');
    void cleanup().finally(() => process.exit(code));
  };
  const timer = setTimeout(() => abort(`UI tests did not finish within ${timeoutMs} ms`, 1), timeoutMs);
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  let outcome: Outcome;
  try {
    emulator = await startEmulator({ queueMs: emulatorQueueMs, runMs: emulatorRunMs, requiredToken: apiToken });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: repoRoot,
      // No port forwarding: its notifications and status bar entry would come and go with unrelated local servers.
      userSettings: { 'runcomfy.apiBaseUrl': emulator.baseUrl, 'remote.autoForwardPorts': false },
      env: { UI_TEST_WORKSPACE: workspace.dir, RUNCOMFY_API_TOKEN: apiToken },
    });
    workbench = await openWorkbench({
      url: server.url,
      onConsole: (type, text) => consoleLog.write(`[${type}] ${text}\n`),
    });
    await waitForWorkbench(workbench.page);
    // The extension under test is registered (its commands and menus exist) before any test runs.
    await waitForCommand(workbench.page, 'RunComfy: Show Jobs');
    setUiSession({ page: workbench.page, server, workspace: workspace.dir, emulator, token: apiToken });
    outcome = await runMocha(workbench);
  } catch (error) {
    console.error('UI test setup failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    if (workbench) {
      await screenshot(workbench.page, 'ui-setup-failure').catch(() => undefined);
    }
    outcome = { passed: 0, failed: 1 };
  } finally {
    clearTimeout(timer);
    setUiSession(undefined);
    await cleanup();
  }
  console.log(`${outcome.passed} passed, ${outcome.failed} failed`);
  return outcome.failed === 0 && outcome.passed > 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
