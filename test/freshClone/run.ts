// Clones HEAD into a temp folder (no node_modules, no .tools) and runs the README's "Try it" and "Run the tests" commands as written.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { readmeCommands } from './readme';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const artifacts = path.join(repoRoot, 'test-artifacts', 'fresh-clone');

/** Set for everything run inside the clone, so its own `npm test` does not clone again. */
const nestedMarker = 'RUNCOMFY_FRESH_CLONE_TEST';

/** Lines of the nested suites' output that sum them up, printed here too. */
const summaryLine = /^\s*\d+ (passing|failing|pending)\b|^\d+ passed, \d+ failed$|tests? (passed|failed) in |^fresh clone: /;

interface Check {
  title: string;
  run(): Promise<void>;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)} s`;
}

/**
 * The environment a newcomer's shell would have: none of what the `npm test` running this file exported (its npm
 * settings, its node_modules/.bin on PATH), so nothing leaks from this checkout into the clone.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|NPM_)/.test(name) && !['INIT_CWD', 'NODE', 'COLOR', 'EDITOR'].includes(name)) env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => !entry.includes(`${path.sep}node_modules${path.sep}.bin`) && !entry.includes('node-gyp-bin'))
    .join(path.delimiter);
  env[nestedMarker] = '1';
  return env;
}

/** Runs `command` with bash in `cwd`, in its own process group (as a terminal runs it), teeing its output to `logFile`. */
function start(command: string, cwd: string, logFile: string): { child: ChildProcess; output: () => string; done: Promise<Finished> } {
  const log = fs.createWriteStream(logFile);
  const child = spawn('bash', ['-c', command], { cwd, env: newcomerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2_000_000);
    log.write(chunk);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => log.end(() => resolve({ code, signal, output })));
  });
  return { child, output: () => output, done };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function runToEnd(command: string, cwd: string, logFile: string, timeoutMs: number): Promise<Finished> {
  const run = start(command, cwd, logFile);
  const timer = setTimeout(() => killGroup(run.child, 'SIGKILL'), timeoutMs);
  const finished = await run.done;
  clearTimeout(timer);
  if (finished.code !== 0) {
    throw new Error(`\`${command}\` exited with ${finished.code}; its output ends:\n${finished.output.slice(-4000)}\n(whole log: ${logFile})`);
  }
  return finished;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { timeout: 10_000 }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject)
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`GET ${url} timed out`));
      });
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, exited: () => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (exited()) throw new Error(`exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds(timeoutMs)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `npm run demo` as a user runs it: wait for its URL, load the page, then Ctrl-C (SIGINT to the foreground group). */
async function runInteractiveDemo(command: string, cwd: string, logFile: string): Promise<void> {
  const run = start(command, cwd, logFile);
  let exited = false;
  void run.done.then(() => (exited = true));
  try {
    const url = await waitFor(
      'URL to open',
      () => /Open VS Code in your browser:\s+(http:\/\/\S+)/.exec(run.output())?.[1],
      25 * 60_000,
      () => exited,
    );
    const page = await get(url);
    if (page.status !== 200 || !/<html/i.test(page.body)) {
      throw new Error(`${url} answered ${page.status}: ${page.body.slice(0, 300)}`);
    }
    const workspace = /Demo workspace:\s+(\S+)/.exec(run.output())?.[1];
    killGroup(run.child, 'SIGINT');
    const timer = setTimeout(() => killGroup(run.child, 'SIGKILL'), 30_000);
    const finished = await run.done;
    clearTimeout(timer);
    // npm itself ends by the SIGINT a terminal sends the whole group (a shell then shows status 130); the demo under it
    // stops cleanly and says so.
    if (finished.code !== 0 && finished.code !== 130 && finished.signal !== 'SIGINT') {
      throw new Error(`Ctrl-C ended it with ${finished.signal ?? `exit code ${finished.code}`}`);
    }
    if (!/\[demo\] stopped/.test(finished.output)) throw new Error('it did not say it stopped');
    if (workspace && fs.existsSync(workspace)) throw new Error(`Ctrl-C left its workspace behind: ${workspace}`);
    const after = await get(url).then(
      (answer) => `it still answers ${answer.status}`,
      () => undefined,
    );
    if (after) throw new Error(`VS Code is still served at ${url} after Ctrl-C: ${after}`);
  } catch (error) {
    killGroup(run.child, 'SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}; output ends:\n${run.output().slice(-3000)}\n(whole log: ${logFile})`, { cause: error });
  }
}

function copyScreenshots(from: string): string[] {
  if (!fs.existsSync(from)) return [];
  const copied: string[] = [];
  for (const name of fs.readdirSync(from).filter((file) => /^demo-check-.*\.png$/.test(file))) {
    fs.copyFileSync(path.join(from, name), path.join(artifacts, name));
    copied.push(name);
  }
  return copied;
}

async function main(): Promise<number> {
  if (process.env[nestedMarker] === '1') {
    console.log('fresh clone: this is the fresh clone\'s own `npm test`; the clone is not cloned again');
    return 0;
  }
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const tryIt = readmeCommands(readme, 'Try it');
  const runTests = readmeCommands(readme, 'Run the tests');
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  console.log(`fresh clone of ${head.slice(0, 12)}${dirty ? ' (uncommitted changes in this checkout are not part of it)' : ''}`);
  console.log(`README "Try it": ${tryIt.map((c) => `\`${c}\``).join(', ')}; "Run the tests": ${runTests.map((c) => `\`${c}\``).join(', ')}`);

  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-clone-'));
  const clone = path.join(temp, path.basename(repoRoot));
  const checks: Check[] = [
    {
      title: 'git clone gives HEAD with no node_modules and no .tools',
      run: async () => {
        const cloned = spawnSync('git', ['clone', '--quiet', repoRoot, clone], { encoding: 'utf8' });
        if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
        const at = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).stdout.trim();
        if (at !== head) {
          // HEAD is detached or on a branch the clone did not check out: fetch that very commit.
          spawnSync('git', ['fetch', '--quiet', 'origin', head], { cwd: clone });
          const checkout = spawnSync('git', ['checkout', '--quiet', '--detach', head], { cwd: clone, encoding: 'utf8' });
          if (checkout.status !== 0) throw new Error(`the clone cannot check out ${head}: ${checkout.stderr}`);
        }
        for (const name of ['node_modules', '.tools', 'out', 'dist']) {
          if (fs.existsSync(path.join(clone, name))) throw new Error(`the clone already has ${name}`);
        }
      },
    },
    ...tryIt.map(
      (command, n): Check => ({
        title: `\`${command}\``,
        run: async () => {
          const log = path.join(artifacts, `try-it-${n + 1}.log`);
          if (!/--check\b/.test(command) && /\bnpm run demo\b/.test(command)) {
            await runInteractiveDemo(command, clone, log);
            return;
          }
          const finished = await runToEnd(command, clone, log, 30 * 60_000);
          if (/--check\b/.test(command) && !/check passed/.test(finished.output)) throw new Error('the demo did not report "check passed"');
          const shots = copyScreenshots(path.join(clone, 'test-artifacts'));
          if (shots.length > 0) console.log(`    screenshots: ${shots.map((name) => path.join('test-artifacts', 'fresh-clone', name)).join(', ')}`);
        },
      }),
    ),
    ...runTests.map(
      (command, n): Check => ({
        title: `\`${command}\` (quick to set up, since the commands before installed everything)`,
        run: async () => {
          const finished = await runToEnd(command, clone, path.join(artifacts, `run-the-tests-${n + 1}.log`), 60 * 60_000);
          for (const line of finished.output.split('\n').filter((text) => summaryLine.test(text))) {
            console.log(`    ${line.trim()}`);
          }
          for (const expected of [/\[setup\] npm packages match package-lock\.json/, /\[installTestTools\] already installed/]) {
            if (!expected.test(finished.output)) throw new Error(`it installed again: no line matches ${expected}`);
          }
          const leftovers = spawnSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' }).stdout.trim();
          if (leftovers) throw new Error(`the clone is left with files git does not ignore:\n${leftovers}`);
        },
      }),
    ),
  ];

  let passed = 0;
  let failed = 0;
  try {
    for (const check of checks) {
      const started = Date.now();
      try {
        await check.run();
        passed++;
        console.log(`  ✔ ${check.title} (${seconds(Date.now() - started)})`);
      } catch (error) {
        failed++;
        console.log(`  ✖ ${check.title} (${seconds(Date.now() - started)})\n${error instanceof Error ? error.message : String(error)}`);
        break;
      }
    }
  } finally {
    if (process.env.KEEP_TEST_TEMP === '1') console.log(`fresh clone kept: ${clone}`);
    else fs.rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  }
  const notRun = checks.length - passed - failed;
  console.log(`fresh clone: ${passed} passed, ${failed} failed${notRun > 0 ? `, ${notRun} not run after the failure` : ''}`);
  return failed === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
