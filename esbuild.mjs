// Bundles the extension host code and the panel's browser code; `--watch` rebuilds, `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

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

/** The runtime is its own bundle, required lazily by the small activation bundle. */
const lazyRuntime = {
  name: 'lazy-runtime',
  setup(build) {
    build.onResolve({ filter: /(^|\/)runtime$/ }, (args) =>
      args.importer.includes('src') ? { path: './runtime.js', external: true } : undefined,
    );
  },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

const targets = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyRuntime] },
  { ...node, entryPoints: ['src/runtime.ts'], outfile: 'dist/runtime.js' },
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

// The panel links codicons itself (vscode-elements finds them by the stylesheet id), so ship the font beside the bundles.
mkdirSync('dist', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/${file}`);

if (watch) {
  for (const options of targets) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
