// Runs a local demo: installs what is missing, packages the .vsix, and serves VS Code in the browser against the emulator.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCommand, npmInstallArgs, npmPackagesProblem, testToolsCommand } from './setup.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const usage = `usage: npm run demo [-- options]

Starts VS Code (code-server) in your browser with the packaged extension installed, talking to a local RunComfy
API emulator, in a fresh workspace of sample images. Ctrl-C stops everything and removes the temporary files.

options:
  --port N         port of the VS Code server (default: $PORT or 8080; a free one when taken)
  --queue-ms N     how long emulated jobs stay queued (default 4000)
  --run-ms N       how long emulated jobs run (default 8000)
  --skip-setup     do not install, build or package (reuse the last run's results)
  --keep           keep the demo workspace when stopping
  --check          start everything, use it like a user in headless chromium (a refused image, an edit, its
                   toasts and saved result; screenshots in test-artifacts/), stop, and exit 0 when all is well
                   (also DEMO_CHECK=1)
  -h, --help       show this help
`;

const demoToken = 'demo-token';
const vsixFile = path.join(repoRoot, 'runcomfy-dreamina-edit.vsix');
const emulatorMain = path.join(repoRoot, 'out', 'test', 'emulator', 'main.js');
const checkTimeoutMs = 4 * 60_000;

function parseArgs(argv) {
  const options = {
    port: undefined,
    queueMs: 4000,
    runMs: 8000,
    skipSetup: false,
    keep: false,
    check: process.env.DEMO_CHECK === '1',
  };
  const wholeNumber = (flag, value) => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < 0) {
      throw new Error(`${flag} needs a whole number ≥ 0`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--port':
        options.port = wholeNumber(flag, argv[++i]);
        break;
      case '--queue-ms':
        options.queueMs = wholeNumber(flag, argv[++i]);
        break;
      case '--run-ms':
        options.runMs = wholeNumber(flag, argv[++i]);
        break;
      case '--skip-setup':
        options.skipSetup = true;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--check':
        options.check = true;
        break;
      case '-h':
      case '--help':
        return undefined;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (options.port === undefined && process.env.PORT) {
    options.port = wholeNumber('PORT', process.env.PORT);
  }
  return options;
}

function log(message) {
  process.stdout.write(`[demo] ${message}\n`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Children the demo started, killed on the way out. */
const children = new Set();

/** Runs a command; `quiet` keeps its output unless it fails. */
function run(command, args, { quiet = false, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    children.add(child);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) {
        resolve();
      } else {
        if (quiet) {
          process.stderr.write(output);
        }
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
      }
    });
  });
}

async function step(title, action) {
  const started = Date.now();
  log(`${title}…`);
  await action();
  log(`${title}: done in ${seconds(Date.now() - started)}`);
}

async function setup() {
  const problem = npmPackagesProblem();
  if (problem !== undefined) {
    await step(`npm ${npmInstallArgs().join(' ')} (${problem})`, () => run(npmCommand, npmInstallArgs()));
  }
  await step('installing chromium, Node 24 and code-server when missing (scripts/installTestTools.sh)', () => run(...testToolsCommand));
  await step('building and packaging the extension (npm run package)', () => run(npmCommand, ['run', 'package'], { quiet: true }));
  await step('compiling the emulator and the VS Code helpers', () =>
    run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/package'], {
      quiet: true,
    }),
  );
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts the emulator as a child process; resolves with its base URL once it listens. */
function startEmulator(options, sampleDir) {
  return new Promise((resolve, reject) => {
    const args = [
      emulatorMain,
      '--port',
      '0',
      '--queue-ms',
      String(options.queueMs),
      '--run-ms',
      String(options.runMs),
      '--token',
      demoToken,
      '--sample-images',
      sampleDir,
    ];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    let listening = false;
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && !listening) {
        listening = true;
        resolve({ child, baseUrl: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (!listening) {
        reject(new Error(`the emulator exited (${signal ?? code}) before listening:\n${output}`));
      }
    });
  });
}

function httpGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

function writeWorkspaceReadme(workspace, options) {
  const text = `RunComfy Dreamina Image Edit: demo workspace
============================================

This VS Code runs the extension installed from its .vsix. It talks to a local
emulator of the RunComfy Model API, so nothing here costs money or needs an
account. Emulated jobs wait in the queue for about ${Math.round(options.queueMs / 1000)} s, then run for about
${Math.round(options.runMs / 1000)} s. The API token is "${demoToken}", given to the extension through the
RUNCOMFY_API_TOKEN environment variable.

Things to try
-------------
1. Right-click valid-512x512.png in the Explorer and choose "Edit Image with
   Dreamina…". Type a prompt, pick a size, and watch the status bar count the
   running job. The result is saved into runcomfy-results/ with a .json
   sidecar (request_id, prompt, parameters) and opens when ready.
2. Select valid-512x512.png and valid-640x480.jpg together (Ctrl/Cmd-click),
   right-click, and edit both in one request.
3. Right-click invalid-aspect-too-wide-3100x1000.png and choose "Edit Image
   with Dreamina…": it is wider than the model accepts (3:1), so you are asked
   whether to pad it or crop it before anything is sent. The file itself is
   never changed. damaged-photo.png is refused outright, with the reason.
4. Press F1 and run "RunComfy: Open Edit Panel" to compose an edit with
   thumbnails, follow jobs live, and compare results before/after.
5. While a job runs, click the status bar item (or run "RunComfy: Show Jobs")
   to cancel it, open or reveal its results, or copy its request_id.
6. Put [emulator:fail] in a prompt to see how a failed job is reported, or
   [emulator:slow] for a job that takes ten times longer (reload the window
   while it runs: tracking resumes).

${options.keep ? 'This folder is kept when the demo stops (--keep).' : 'This folder is temporary: it is deleted when the demo stops.'}
`;
  fs.writeFileSync(path.join(workspace, 'README.txt'), text);
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n${usage}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(usage);
    return 0;
  }

  // Output may go to a terminal or pipe that is already gone while stopping; that must not stop the clean-up.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);

  const started = Date.now();
  let tempRoot;
  let server;
  let emulator;
  let stopping = false;
  let stoppedBySignal = false;
  let resolveStop;
  const stopRequested = new Promise((resolve) => (resolveStop = resolve));

  const cleanup = async () => {
    await server?.stop().catch(() => undefined);
    for (const child of children) {
      child.kill('SIGTERM');
    }
    if (emulator && emulator.child.exitCode === null && emulator.child.signalCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          emulator.child.kill('SIGKILL');
          resolve();
        }, 3000);
        emulator.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (tempRoot) {
      if (options.keep) {
        log(`kept ${tempRoot}`);
      } else {
        fs.rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
      }
    }
  };

  const requestStop = (reason) => {
    if (stopping) {
      return;
    }
    stopping = true;
    stoppedBySignal = true;
    process.stdout.write('\n');
    log(`${reason}: stopping`);
    // A setup step still running (npm, the tools install) is stopped too.
    for (const child of children) {
      if (child !== emulator?.child) {
        child.kill('SIGTERM');
      }
    }
    resolveStop(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => requestStop(signal));
  }
  // `npm run demo` passes SIGTERM to its shell, which exits without passing it on: notice being orphaned instead.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      requestStop('the parent process exited');
    }
  }, 1000).unref();

  try {
    if (options.skipSetup) {
      const compiled = ['out/test/vscode/demoServer.js', 'out/test/vscode/demoCheck.js'].map((file) => path.join(repoRoot, file));
      for (const file of [vsixFile, emulatorMain, ...compiled]) {
        if (!fs.existsSync(file)) {
          throw new Error(`${path.relative(repoRoot, file)} is missing: run without --skip-setup`);
        }
      }
    } else {
      await setup();
    }
    if (stopping) {
      await cleanup();
      return 0;
    }
    const codeServer = require(path.join(repoRoot, 'out', 'test', 'vscode', 'codeServer.js'));
    const demoServer = require(path.join(repoRoot, 'out', 'test', 'vscode', 'demoServer.js'));
    const demoCheck = require(path.join(repoRoot, 'out', 'test', 'vscode', 'demoCheck.js'));

    tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-demo-'));
    const workspace = path.join(tempRoot, 'dreamina-demo');
    const extensionsDir = path.join(tempRoot, 'extensions');
    fs.mkdirSync(workspace, { recursive: true });

    emulator = await startEmulator(options, workspace);
    emulator.child.once('exit', (code, signal) => {
      // Ctrl-C reaches the emulator too (same process group); give this process's own handler the first word.
      setTimeout(() => {
        if (!stopping) {
          log(`the emulator stopped unexpectedly (${signal ?? code})`);
          stopping = true;
          resolveStop(1);
        }
      }, 500);
    });
    writeWorkspaceReadme(workspace, options);

    let port = options.port ?? 8080;
    if (!(await portIsFree(port))) {
      const free = await codeServer.freePort();
      log(`port ${port} is taken, using ${free}`);
      port = free;
    }
    await step('installing the .vsix into a fresh extensions folder and starting VS Code', async () => {
      server = await demoServer.startDemoServer({
        workspace,
        vsix: vsixFile,
        extensionsDir,
        port,
        apiBaseUrl: emulator.baseUrl,
        token: demoToken,
        userSettings: { 'workbench.startupEditor': 'readme' },
      });
    });
    void server.exited.then((code) => {
      if (!stopping) {
        log(`code-server stopped unexpectedly (exit code ${code}):\n${server.output().slice(-3000)}`);
        stopping = true;
        resolveStop(1);
      }
    });

    const health = await httpGet(`${server.baseUrl}healthz`);
    const model = await httpGet(`${emulator.baseUrl}/v1/models/bytedance/dreamina-4-0/edit`, {
      authorization: `Bearer ${demoToken}`,
    });
    if (health.status !== 200) {
      throw new Error(`code-server /healthz answered ${health.status}: ${health.body}`);
    }
    if (model.status !== 200) {
      throw new Error(`the emulator's model endpoint answered ${model.status}: ${model.body}`);
    }

    process.stdout.write(`
  RunComfy Dreamina Image Edit demo is ready (started in ${seconds(Date.now() - started)}).

  Open VS Code in your browser:
    ${server.url}

  RunComfy API emulator:  ${emulator.baseUrl}  (jobs queue ${seconds(options.queueMs)}, run ${seconds(options.runMs)}; token "${demoToken}")
  Demo workspace:         ${workspace}
  Installed extension:    ${path.basename(vsixFile)} into ${extensionsDir}

  Try: right-click valid-512x512.png in the Explorer → "Edit Image with Dreamina…", or F1 → "RunComfy: Open Edit Panel".
  README.txt in the workspace lists more to try. Results land in runcomfy-results/.

  Press Ctrl-C to stop.

`);

    if (options.check) {
      log(`check: code-server /healthz answered ${health.status}, the emulator's model endpoint ${model.status}`);
      const timer = setTimeout(() => {
        log(`check: did not finish within ${seconds(checkTimeoutMs)}`);
        resolveStop(1);
      }, checkTimeoutMs);
      const outcome = await Promise.race([
        demoCheck.checkDemo({ server, workspace, jobTimeoutMs: options.queueMs + options.runMs + 60_000, log }).then(() => 'passed'),
        stopRequested.then(() => 'stopped'),
      ]);
      clearTimeout(timer);
      if (outcome !== 'passed') {
        throw new Error('check interrupted');
      }
      log(`check passed in ${seconds(Date.now() - started)}; stopping`);
      stopping = true;
      await cleanup();
      return 0;
    }

    const code = await stopRequested;
    await cleanup();
    log('stopped');
    return code;
  } catch (error) {
    if (!stoppedBySignal) {
      process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
    }
    stopping = true;
    await cleanup();
    // Stopped on request (Ctrl-C while setting up) is a clean stop, except for a check that could not finish.
    return stoppedBySignal && !options.check ? 0 : 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
