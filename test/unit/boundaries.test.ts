// Who may import what: the pure core never imports `vscode` or an adapter, the webview stays in the browser, the rule book depends on nothing, and activation never pulls the heavy libraries in.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(abs, f));
}

const IMPORT = /(?:import\s[^'"]*?from\s*|export\s[^'";]*?from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
/** Imports that reach the bundle: `import type` and `export type … from` are erased by the compiler. */
const VALUE_IMPORT =
  /^(?:import(?!\s+type\b)[^'";]*?from\s*|import\s+|export\s+(?!type\b)[^'";]*?from\s*)['"]([^'"]+)['"]|require\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsIn(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1]);
}

function importsOf(file: string): string[] {
  return importsIn(fs.readFileSync(file, 'utf8'));
}

function valueImportsOf(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)].map((m) => m[1] ?? m[2]);
}

/** The source folder (under src/) a relative import from `file` lands in, or undefined for a package. */
function targetOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), spec));
}

const PURE = ['src/api', 'src/jobs', 'src/batch', 'src/common', 'src/protocol', 'src/panel', 'src/imaging'];
/** Everything under src/ that is not the pure core is an adapter (or the composition root), new folders included. */
const ADAPTERS = fs
  .readdirSync(path.join(root, 'src'), { withFileTypes: true })
  .map((entry) => (entry.isDirectory() ? entry.name : entry.name.replace(/\.ts$/, '')))
  .filter((name) => !PURE.includes(`src/${name}`));
/** A Node.js built-in, with or without the `node:` prefix (`fs`, `node:fs`, `fs/promises`). */
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]) || builtinModules.includes(spec);

describe('module boundaries', () => {
  for (const dir of PURE) {
    it(`${dir} never imports vscode, nor an adapter`, () => {
      const files = sourceFiles(dir);
      if (dir !== 'src/protocol') assert.ok(files.length > 0, `${dir} has sources`);
      for (const file of files) {
        for (const spec of importsOf(file)) {
          assert.notEqual(spec, 'vscode', `${path.relative(root, file)} imports vscode`);
          const target = targetOf(file, spec);
          const top = target?.split(path.sep)[0];
          assert.ok(!top || !ADAPTERS.includes(top), `${path.relative(root, file)} imports the adapter ${spec}`);
        }
      }
    });
  }

  it('src/api knows nothing of jobs, panels or adapters', () => {
    for (const file of sourceFiles('src/api')) {
      for (const spec of valueImportsOf(file)) {
        const top = targetOf(file, spec)?.split(path.sep)[0];
        assert.ok(!top || top === 'api' || top === 'common', `${path.relative(root, file)} imports ${spec}`);
      }
    }
  });

  it('only the image worker loads the image libraries, so the extension host never does', () => {
    const files = sourceFiles('src').filter((file) => !file.includes(`${path.sep}imaging${path.sep}worker${path.sep}`));
    for (const file of files) {
      for (const spec of importsOf(file)) {
        assert.ok(!/^(sharp|@img\/|libheif-js)/.test(spec), `${path.relative(root, file)} imports ${spec}`);
      }
    }
    assert.ok(importsOf(path.join(root, 'src/imaging/worker/transform.ts')).includes('sharp'));
  });

  it('the rule book depends on nothing but the shared wording', () => {
    const file = path.join(root, 'src/jobs/rules.ts');
    for (const spec of importsOf(file)) {
      assert.ok(['../common/l10n', '../common/wording'].includes(spec), `src/jobs/rules.ts imports ${spec}`);
    }
  });

  it('knows every adapter folder, and the scan sees re-exports', () => {
    for (const name of ['platform', 'storage', 'commands', 'webview', 'ui', 'webview-ui', 'lm', 'extension', 'runtime'])
      assert.ok(ADAPTERS.includes(name), name);
    for (const dir of PURE) assert.ok(!ADAPTERS.includes(dir.slice('src/'.length)), dir);
    assert.deepEqual(importsIn("export { x } from '../ui/statusBar';\nexport * from 'vscode';\nimport fs = require('fs');\n"), [
      '../ui/statusBar',
      'vscode',
      'fs',
    ]);
    assert.ok(isNodeBuiltin('fs') && isNodeBuiltin('node:path') && isNodeBuiltin('fs/promises') && !isNodeBuiltin('zod') && !isNodeBuiltin('@vscode/l10n'));
  });

  it('src/webview-ui imports neither vscode nor Node.js modules, and from the host only what the browser may run', () => {
    const allowed = (spec: string) => /^\.\/|^\.\.\/(common|protocol)\/|^\.\.\/jobs\/rules$|^\.\.\/api\/model$/.test(spec) || !spec.startsWith('.');
    const files = sourceFiles('src/webview-ui');
    assert.ok(files.length > 5, 'src/webview-ui has sources');
    for (const file of files) {
      for (const spec of importsOf(file)) {
        assert.ok(spec !== 'vscode' && !spec.startsWith('@types/vscode'), `${path.relative(root, file)} imports ${spec}`);
        assert.ok(!isNodeBuiltin(spec), `${path.relative(root, file)} imports the Node.js module ${spec}`);
        assert.ok(allowed(spec), `${path.relative(root, file)} imports ${spec}`);
        // What the panel borrows from the host folders must itself stay browser-safe.
        const target = targetOf(file, spec);
        if (target && !target.startsWith(`webview-ui${path.sep}`)) {
          const source = `${path.join(root, 'src', target)}.ts`;
          for (const inner of importsOf(source))
            assert.ok(inner !== 'vscode' && !isNodeBuiltin(inner), `${path.relative(root, source)} (used by the panel) imports ${inner}`);
        }
      }
    }
  });

  /** Every file a value import reaches from `start`, stopping at the lazily required runtime; fails on a `heavy` package. */
  function reachable(start: string, heavy: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const queue = [path.join(root, start)];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of valueImportsOf(file)) {
        assert.ok(!heavy.includes(spec), `${path.relative(root, file)} imports ${spec} into ${start}'s bundle`);
        if (!spec.startsWith('.') || /(^|\/)runtime$/.test(spec)) continue;
        const resolved = path.resolve(path.dirname(file), spec);
        queue.push(fs.existsSync(`${resolved}.ts`) ? `${resolved}.ts` : path.join(resolved, 'index.ts'));
      }
    }
    return seen;
  }

  it('activation stays cheap: src/extension.ts reaches no package and none of the composition (which it requires on first need)', () => {
    const seen = reachable('src/extension.ts', ['zod', 'zod/mini', 'undici', 'image-size', 'jpeg-js', '@vscode/l10n']);
    const files = [...seen].map((file) => path.relative(root, file).split(path.sep).join('/'));
    assert.ok(files.includes('src/activation/standIns.ts'), 'the walk reaches the stand-ins');
    for (const file of files) assert.ok(/^src\/(extension\.ts|activation\/|storage\/(jobs|batches)Key\.ts$)/.test(file), `src/extension.ts reaches ${file}`);
  });

  it('the composition stays light: nothing reachable from src/composition.ts (but through the lazy runtime) loads full zod, undici or image decoding', () => {
    const seen = reachable('src/composition.ts', ['zod', 'undici', 'image-size', 'jpeg-js']);
    assert.ok(seen.size > 20, `the walk found only ${seen.size} files`);
    assert.ok(seen.has(path.join(root, 'src/platform/jobsService.ts')), 'the walk reaches the jobs service');
  });

  it('every notification goes through src/ui/messages.ts, which makes outside text inert', () => {
    const direct = /\bshow(?:Error|Warning|Information)Message\s*\(/;
    const offenders = ['src']
      .flatMap(sourceFiles)
      .filter((file) => path.relative(root, file) !== path.join('src', 'ui', 'messages.ts'))
      .filter((file) => direct.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    assert.deepEqual(offenders, []);
    // The scan is not blind: it sees the calls that went around the helper before there was one.
    assert.ok(direct.test('void vscode.window.showErrorMessage(`RunComfy: ${text}`)'));
    assert.ok(direct.test('vscode.window\n  .showInformationMessage (x)'));
  });

  it('one loopback rule: nothing but src/common/loopback.ts decides what loopback is', () => {
    const copies = ['src']
      .flatMap(sourceFiles)
      .filter((file) => path.relative(root, file) !== path.join('src', 'common', 'loopback.ts'))
      .filter((file) => /function\s+isLoopback|startsWith\(\s*['"]127\.|\^127\\\./.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    assert.deepEqual(copies, []);
  });

  it('the scan finds real imports (guards against a regex that matches nothing)', () => {
    assert.ok(importsOf(path.join(root, 'src/extension.ts')).includes('vscode'));
    assert.ok(importsOf(path.join(root, 'src/api/transport.ts')).includes('undici'));
    assert.ok(valueImportsOf(path.join(root, 'src/runtime.ts')).includes('./jobs/engine'));
    assert.ok(importsOf(path.join(root, 'src/ui/statusBar.ts')).includes('../jobs/engine'));
    assert.ok(!valueImportsOf(path.join(root, 'src/ui/statusBar.ts')).includes('../jobs/engine'), 'a type-only import is not a value import');
  });
});
