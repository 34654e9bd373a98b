// Bundles the extension host code and the panel's browser code; `--watch` rebuilds, `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  metafile: true,
};

/** The runtime is its own bundle, required lazily by the composition bundle. */
const lazyRuntime = {
  name: 'lazy-runtime',
  setup(build) {
    build.onResolve({ filter: /(^|\/)runtime$/ }, (args) => (args.importer.includes('src') ? { path: './runtime.js', external: true } : undefined));
  },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

// The image worker uses sharp's WebAssembly build on every platform, so one .vsix serves Windows, macOS and Linux.
// Its loader stays a file of its own (its threads start by loading that same file), with the .wasm beside it.
const require = createRequire(import.meta.url);
const sharpWasmDir = path.dirname(require.resolve('@img/sharp-wasm32/package'));
const sharpWasmVersion = JSON.parse(readFileSync(path.join(sharpWasmDir, 'package.json'), 'utf8')).version;
const sharpWasmLoader = `sharp-wasm32-${sharpWasmVersion}.node`;
const sharpToWasm = {
  name: 'sharp-to-wasm',
  setup(build) {
    build.onResolve({ filter: /^@img\/sharp-[\w-]+\/sharp\.node$/ }, () => ({ path: `./${sharpWasmLoader}.js`, external: true }));
    // sharp first looks for a locally compiled binary; there is none, so that lookup is left to fail at run time.
    build.onLoad({ filter: /[\\/]sharp[\\/]dist[\\/]sharp\.cjs$/ }, (args) => ({
      contents:
        'const noLocalBuild = (file) => { throw new Error(`no local build: ${file}`); };\n' +
        readFileSync(args.path, 'utf8').replaceAll('require(`../src/build/Release/', 'noLocalBuild(`../src/build/Release/'),
      loader: 'js',
    }));
  },
};

const targets = [
  // Activation loads only the tiny entry; it requires dist/composition.js (everything else the host runs) on first need.
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/composition.ts'], outfile: 'dist/composition.js', plugins: [lazyRuntime] },
  { ...node, entryPoints: ['src/runtime.ts'], outfile: 'dist/runtime.js' },
  { ...node, entryPoints: ['src/imaging/worker/imageWorker.ts'], outfile: 'dist/imageWorker.js', plugins: [sharpToWasm] },
  { ...node, minify: true, sourcemap: false, entryPoints: [path.join(sharpWasmDir, 'lib', `${sharpWasmLoader}.js`)], outfile: `dist/${sharpWasmLoader}.js` },
];

if (existsSync('src/webview-ui/main.ts')) {
  targets.push({
    ...common,
    entryPoints: ['src/webview-ui/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

// The panel's page carries the codicon rules itself (src/webview/panelHtml.ts) and loads the font beside the bundles.
mkdirSync('dist', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/${file}`);
copyFileSync(path.join(sharpWasmDir, 'lib', `${sharpWasmLoader}.wasm`), `dist/${sharpWasmLoader}.wasm`);
copyFileSync(require.resolve('libheif-js/libheif-wasm/libheif.wasm'), 'dist/libheif.wasm');
// Their licences travel with the WebAssembly builds (sharp: Apache-2.0, libvips: LGPL-3.0; libheif: LGPL-3.0).
mkdirSync('dist/licenses', { recursive: true });
copyFileSync(path.join(sharpWasmDir, 'LICENSE'), 'dist/licenses/sharp-wasm32.txt');
copyFileSync(require.resolve('libheif-js/libheif-wasm/LICENSE'), 'dist/licenses/libheif.txt');
copyFileSync(path.join(path.dirname(require.resolve('libheif-js/package.json')), 'LICENSE'), 'dist/licenses/libheif-js.txt');

if (watch) {
  for (const options of targets) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  // Each bundle's metafile (what went into it, byte by byte) lands in dist/meta/ for `npm run bench`; it is not shipped.
  mkdirSync('dist/meta', { recursive: true });
  await Promise.all(
    targets.map(async (options) => {
      const result = await esbuild.build(options);
      writeFileSync(`dist/meta/${path.basename(options.outfile, '.js')}.json`, JSON.stringify(result.metafile));
    }),
  );
  if (existsSync('dist/webview.js')) writeUsedCodicons();
}

/**
 * The codicon stylesheet is written into the panel's page, and 649 of its rules are icons the panel never shows: keep
 * the font, base and modifier rules and only the icons whose names appear as strings in the built panel bundle (every
 * name passed to codicon() or an icon button, the job rules' icons included) or in the panel's CSS.
 */
function writeUsedCodicons() {
  const bundle = readFileSync('dist/webview.js', 'utf8') + readFileSync('src/webview-ui/panel.css', 'utf8');
  const iconRule = /^\.codicon-([a-z0-9-]+):before \{ content: "\\[0-9a-f]+" \}$/;
  const lines = readFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'utf8').split('\n');
  const kept = lines.filter((line) => {
    const name = iconRule.exec(line)?.[1];
    return name === undefined || ['"', "'", '`'].some((q) => bundle.includes(`${q}${name}${q}`)) || bundle.includes(`codicon-${name}`);
  });
  writeFileSync('dist/codicon.css', kept.join('\n'));
}
