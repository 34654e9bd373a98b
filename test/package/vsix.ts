// Reads the packaged .vsix (a zip) and installs it into an extensions folder with code-server's own CLI.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerEntry, nodeBinary, repoRoot } from '../vscode/codeServer';
import { extensionId, vsixName } from './names';

/** What `npm run package` writes. */
export const vsixFile = path.join(repoRoot, vsixName);

export interface VsixEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
}

/** Lists the files of a zip from its central directory (no extraction). */
export function listVsixEntries(file: string): VsixEntry[] {
  const zip = fs.readFileSync(file);
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new Error(`${file} is not a zip file`);
  }
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: VsixEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error(`${file}: broken central directory at entry ${n}`);
    }
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({ name: zip.toString('utf8', offset + 46, offset + 46 + nameLength), size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Files the installed extension needs; vsce adds its own manifest files around them. */
const requiredEntries: readonly string[] = [
  'extension.vsixmanifest',
  '[Content_Types].xml',
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/composition.js',
  'extension/dist/runtime.js',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/dist/codicon.css',
  'extension/dist/codicon.ttf',
  'extension/media/icon.png',
  'extension/media/walkthrough/panel.png',
  'extension/media/walkthrough/explorer-menu.png',
  'extension/media/walkthrough/result.png',
  'extension/dist/imageWorker.js',
  'extension/dist/libheif.wasm',
];

/** Required files whose names carry a version: sharp's WebAssembly loader and module, which the image worker loads. */
const requiredPatterns: readonly RegExp[] = [/^extension\/dist\/sharp-wasm32-[\d.]+\.node\.js$/, /^extension\/dist\/sharp-wasm32-[\d.]+\.node\.wasm$/];

/** Everything else that may be shipped. */
const optionalEntries: readonly RegExp[] = [
  /^extension\/changelog\.md$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/media\/[^/]+(\/[^/]+)*$/,
  /^extension\/l10n\/[^/]+(\/[^/]+)*$/,
  /^extension\/dist\/licenses\/[\w.-]+\.txt$/,
];

/** Problems with the packaged file list: missing files, and anything outside the allowlist (maps, sources...). */
export function checkVsixEntries(entries: readonly VsixEntry[]): string[] {
  const names = new Set(entries.map((entry) => entry.name));
  const problems: string[] = [];
  for (const name of requiredEntries) {
    if (!names.has(name)) {
      problems.push(`missing ${name}`);
    }
  }
  for (const pattern of requiredPatterns) {
    if (![...names].some((name) => pattern.test(name))) problems.push(`missing ${pattern.source}`);
  }
  for (const name of names) {
    if (!requiredEntries.includes(name) && ![...optionalEntries, ...requiredPatterns].some((pattern) => pattern.test(name))) {
      problems.push(`unexpected ${name}`);
    }
  }
  return problems;
}

/**
 * Installs `vsix` into `extensionsDir` with `code-server --install-extension` (the same code path as a user's
 * install) and returns the installed extension's folder.
 */
export async function installVsix(vsix: string, extensionsDir: string): Promise<string> {
  fs.mkdirSync(extensionsDir, { recursive: true });
  // The CLI writes a config file and logs under XDG dirs and its user data dir: keep them out of $HOME.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-install-'));
  try {
    const env: NodeJS.ProcessEnv = {
      EXTENSIONS_GALLERY: '{}',
      ...process.env,
      XDG_CONFIG_HOME: path.join(scratch, 'config'),
      XDG_DATA_HOME: path.join(scratch, 'data'),
      XDG_CACHE_HOME: path.join(scratch, 'cache'),
      XDG_STATE_HOME: path.join(scratch, 'state'),
      TMPDIR: scratch,
    };
    delete env.VSCODE_IPC_HOOK_CLI;
    const args = [
      codeServerEntry,
      '--user-data-dir',
      path.join(scratch, 'user-data'),
      '--extensions-dir',
      path.resolve(extensionsDir),
      '--install-extension',
      path.resolve(vsix),
      '--force',
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(nodeBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`code-server --install-extension exited with ${code}:\n${text}`))));
    });
    if (!/successfully installed/i.test(output)) {
      throw new Error(`code-server did not report the install:\n${output}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const installed = fs
    .readdirSync(extensionsDir)
    .filter((name) => name.toLowerCase().startsWith(`${extensionId}-`))
    .map((name) => path.join(path.resolve(extensionsDir), name));
  if (installed.length !== 1 || !fs.existsSync(path.join(installed[0], 'package.json'))) {
    throw new Error(`expected one installed ${extensionId} in ${extensionsDir}, found ${JSON.stringify(installed)}`);
  }
  return installed[0];
}
