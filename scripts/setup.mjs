// Installs what building, testing and the demo need: npm packages when missing or not what package-lock.json locks, then the test tools.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Why node_modules does not match package-lock.json (a locked package missing or at another version), or undefined
 * when it does. Optional packages for other platforms (esbuild's binaries) may be absent.
 */
export function npmPackagesProblem(root = repoRoot) {
  const lockFile = path.join(root, 'package-lock.json');
  if (!fs.existsSync(lockFile)) {
    return fs.existsSync(path.join(root, 'node_modules')) ? undefined : 'node_modules is missing';
  }
  if (!fs.existsSync(path.join(root, 'node_modules'))) {
    return 'node_modules is missing';
  }
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === '' || entry.link) {
      continue;
    }
    const manifest = path.join(root, where, 'package.json');
    if (!fs.existsSync(manifest)) {
      if (entry.optional || entry.devOptional) {
        continue;
      }
      return `${where} is missing`;
    }
    const installed = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
    if (entry.version !== undefined && installed !== entry.version) {
      return `${where} is ${installed}, package-lock.json locks ${entry.version}`;
    }
  }
  return undefined;
}

/** The npm command that brings node_modules in line with package-lock.json. */
export function npmInstallArgs(root = repoRoot) {
  return fs.existsSync(path.join(root, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
}

/** Installs Debian packages, Node 24 and code-server; quick when they are there. */
export const testToolsCommand = ['bash', [path.join(repoRoot, 'scripts', 'installTestTools.sh')]];

export const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function runOrExit(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`[setup] ${command} ${args.join(' ')} failed (${result.signal ?? `exit code ${result.status}`})\n`);
    process.exit(result.status || 1);
  }
}

function main() {
  const started = Date.now();
  const problem = npmPackagesProblem();
  if (problem === undefined) {
    process.stdout.write('[setup] npm packages match package-lock.json\n');
  } else {
    process.stdout.write(`[setup] npm ${npmInstallArgs().join(' ')} (${problem})\n`);
    runOrExit(npmCommand, npmInstallArgs());
  }
  runOrExit(...testToolsCommand);
  process.stdout.write(`[setup] ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
