// Starts the two VS Code configurations the UI tests run in: the development one, and the one users (and the demo) see.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server';
import { writeSampleImages } from '../emulator/sampleImages';
import { vsixFile } from '../package/vsix';
import { copyFixtureWorkspace, openWorkbench, repoRoot, startCodeServer, type CodeServer, type Workbench } from '../vscode/codeServer';
import { startDemoServer } from '../vscode/demoServer';
import type { UiSession } from './session';
import { screenshot, waitForCommand, waitForWorkbench } from './workbench';

/** The token the extension host gets through RUNCOMFY_API_TOKEN; the emulator refuses any other. */
const apiToken = 'ui-test-token-0123456789';

/** Job timing in real time: long enough to watch the status bar while a job queues and runs. */
const emulatorQueueMs = 2500;
const emulatorRunMs = 3500;

/**
 * - development: the extension loaded from the repository through the URL payload, which needs the smoke-test
 *   driver; VS Code then shows no notification toasts.
 * - installed: the packaged .vsix installed, no driver, the demo's settings and sample images: what users see.
 */
export type Configuration = 'development' | 'installed';

export interface RunningSession {
  session: UiSession;
  /** The code-server's output, for the artifacts. */
  serverOutput(): string;
  stop(): Promise<void>;
}

/** Starts the emulator, code-server and chromium of `configuration`, and waits until the extension is loaded. */
export async function startSession(configuration: Configuration, onConsole: (line: string) => void): Promise<RunningSession> {
  let emulator: Emulator | undefined;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const temp = configuration === 'installed' ? fs.mkdtempSync(path.join(os.tmpdir(), 'ui-installed-')) : undefined;
  const fixture = configuration === 'development' ? copyFixtureWorkspace() : undefined;
  const workspace = fixture?.dir ?? path.join(temp!, 'dreamina-demo');
  const stop = async (): Promise<void> => {
    await workbench?.close();
    await server?.stop();
    await emulator?.close();
    fixture?.remove();
    if (temp && process.env.KEEP_TEST_TEMP !== '1') fs.rmSync(temp, { recursive: true, force: true });
  };
  try {
    emulator = await startEmulator({ queueMs: emulatorQueueMs, runMs: emulatorRunMs, requiredToken: apiToken });
    if (configuration === 'development') {
      server = await startCodeServer({
        workspace,
        extensionDevelopmentPath: repoRoot,
        smokeTestDriver: true,
        // No port forwarding: its notifications and status bar entry would come and go with unrelated local servers.
        userSettings: { 'runcomfy.apiBaseUrl': emulator.baseUrl, 'remote.autoForwardPorts': false },
        env: { UI_TEST_WORKSPACE: workspace, RUNCOMFY_API_TOKEN: apiToken },
      });
    } else {
      await writeSampleImages(workspace);
      await packageExtension();
      server = await startDemoServer({
        workspace,
        vsix: vsixFile,
        extensionsDir: path.join(temp!, 'extensions'),
        apiBaseUrl: emulator.baseUrl,
        token: apiToken,
      });
    }
    workbench = await openWorkbench({ url: server.url, onConsole: (type, text) => onConsole(`[${type}] ${text}`) });
    await waitForWorkbench(workbench.page);
    // The extension under test is registered (its commands and menus exist) before any test runs.
    await waitForCommand(workbench.page, 'RunComfy: Show Jobs');
  } catch (error) {
    if (workbench) await screenshot(workbench.page, `ui-setup-failure-${configuration}`).catch(() => undefined);
    await stop();
    throw error;
  }
  const session: UiSession = { configuration, page: workbench.page, server, workspace, emulator, token: apiToken };
  const output = server;
  return { session, serverOutput: () => output.output(), stop };
}

/** `npm run package`: the production build and the .vsix users install. */
async function packageExtension(): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(npm, ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run package failed (${code}):\n${output.slice(-3000)}`))));
  });
}
