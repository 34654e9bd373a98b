// Stands in for the VS Code executable given to @vscode/test-electron's runTests(): runs the tests in code-server.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { openWorkbench, repoRoot, startCodeServer, type CodeServer, type Workbench } from './codeServer';

export interface LauncherArguments {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string | undefined;
  folder: string | undefined;
  /** `--extensions-dir`: start code-server with this extensions folder instead of an empty one. */
  extensionsDir?: string;
}

/** VS Code flags that take a value; written with a space, their value is not the folder. */
const flagsWithValue = new Set(['--user-data-dir', '--extensions-dir', '--locale', '--log', '--profile', '--sync']);

/** Reads the arguments runTests() passes; the VS Code flags it adds (sandbox, profile dirs...) are ignored. */
export function parseLauncherArguments(argv: readonly string[]): LauncherArguments {
  const result: LauncherArguments = { extensionDevelopmentPaths: [], extensionTestsPath: undefined, folder: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const valueOf = (name: string): string | undefined => {
      if (arg.startsWith(`--${name}=`)) {
        return arg.slice(name.length + 3);
      }
      if (arg === `--${name}` && i + 1 < argv.length) {
        i++;
        return argv[i];
      }
      return undefined;
    };
    const devPath = valueOf('extensionDevelopmentPath');
    if (devPath !== undefined) {
      result.extensionDevelopmentPaths.push(path.resolve(devPath));
      continue;
    }
    const testsPath = valueOf('extensionTestsPath');
    if (testsPath !== undefined) {
      result.extensionTestsPath = path.resolve(testsPath);
      continue;
    }
    const extensionsDir = valueOf('extensions-dir');
    if (extensionsDir !== undefined) {
      result.extensionsDir = path.resolve(extensionsDir);
      continue;
    }
    if (flagsWithValue.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-') && result.folder === undefined) {
      result.folder = path.resolve(arg);
    }
  }
  return result;
}

// Workbench log lines that only repeat what the test setup chose (the extension gallery is turned off).
const quietLogLines: readonly RegExp[] = [/^Ignoring fetching additional builtin extensions from gallery/];

const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  const args = parseLauncherArguments(process.argv.slice(2));
  if (args.extensionTestsPath === undefined) {
    console.error('launcher: --extensionTestsPath=<module> is required');
    return 2;
  }
  let emptyFolder: string | undefined;
  let folder = args.folder;
  if (folder === undefined) {
    emptyFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-test-folder-'));
    folder = emptyFolder;
  }

  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let cleaningUp = false;
  const cleanup = async (): Promise<void> => {
    cleaningUp = true;
    await workbench?.close();
    await server?.stop();
    if (emptyFolder !== undefined) {
      fs.rmSync(emptyFolder, { recursive: true, force: true });
    }
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`launcher: ${signal}, stopping`);
      finish(code);
    });
  }
  const timer = setTimeout(() => {
    console.error(`launcher: tests did not finish within ${timeoutMs} ms`);
    void saveScreenshot(workbench, 'integration-timeout').finally(() => finish(1));
  }, timeoutMs);

  try {
    server = await startCodeServer({
      workspace: folder,
      // The tests module and development extensions come through the URL payload, honoured only with the driver.
      smokeTestDriver: true,
      ...(args.extensionsDir === undefined ? {} : { extensionsDir: args.extensionsDir }),
    });
    const url = server.workbenchUrl({
      extensionDevelopmentPath: args.extensionDevelopmentPaths.length > 0 ? args.extensionDevelopmentPaths : undefined,
      extensionTestsPath: args.extensionTestsPath,
    });
    const started = server;
    // code-server dying means no result will ever come.
    void started.exited.then((code) => {
      if (!cleaningUp) {
        console.error(`launcher: code-server exited early (${code}):\n${started.output().slice(-4000)}`);
        finish(1);
      }
    });
    workbench = await openWorkbench({
      url,
      waitForWorkbench: false,
      onAutomationLog: (_type, logArgs) => {
        const line = format(...logArgs);
        if (!quietLogLines.some((pattern) => pattern.test(line))) {
          process.stdout.write(line + '\n');
        }
      },
      onAutomationExit: (code) => finish(code),
    });
    workbench.page.on('crash', () => {
      console.error('launcher: the workbench page crashed');
      finish(1);
    });
    workbench.browser.on('disconnected', () => {
      if (!cleaningUp) {
        console.error('launcher: the browser went away');
        finish(1);
      }
    });
    return await finished;
  } catch (error) {
    console.error('launcher:', error instanceof Error ? error.message : error);
    return 1;
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

async function saveScreenshot(workbench: Workbench | undefined, name: string): Promise<void> {
  if (workbench === undefined) {
    return;
  }
  const dir = path.join(repoRoot, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await workbench.page
    .screenshot({ path: file, timeout: 10_000 })
    .then(() => console.error(`launcher: screenshot saved to ${file}`))
    .catch(() => undefined);
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
