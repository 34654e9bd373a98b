// Runs the UI tests (out/test/ui/**/*.test.js) with mocha against code-server in chromium; ends with "N passed, N failed".
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
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
import { artifactsDir, screenshot, waitForWorkbench } from './workbench';

const timeoutMs = Number(process.env.UI_TEST_TIMEOUT_MS ?? 10 * 60_000);

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
  let workbench: Workbench | undefined;
  fs.mkdirSync(artifactsDir, { recursive: true });
  const consoleLog = fs.createWriteStream(path.join(artifactsDir, 'ui-console.log'));
  const cleanup = async (): Promise<void> => {
    await workbench?.close();
    if (server) {
      fs.writeFileSync(path.join(artifactsDir, 'ui-code-server.log'), server.output());
      await server.stop();
    }
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
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: repoRoot,
      env: { UI_TEST_WORKSPACE: workspace.dir },
    });
    workbench = await openWorkbench({
      url: server.url,
      onConsole: (type, text) => consoleLog.write(`[${type}] ${text}\n`),
    });
    await waitForWorkbench(workbench.page);
    setUiSession({ page: workbench.page, server, workspace: workspace.dir });
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
