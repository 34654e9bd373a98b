// The pure core must never import `vscode` (nor the webview code `node:`), so it stays testable in plain node.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(abs, f));
}

const IMPORT = /(?:import\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]);
}

describe('module boundaries', () => {
  for (const dir of ['src/api', 'src/jobs', 'src/common', 'src/protocol', 'src/imaging']) {
    it(`${dir} never imports vscode`, () => {
      const files = sourceFiles(dir);
      if (dir !== 'src/protocol') assert.ok(files.length > 0, `${dir} has sources`);
      for (const file of files) {
        assert.ok(!importsOf(file).includes('vscode'), `${path.relative(root, file)} imports vscode`);
      }
    });
  }

  it('src/webview-ui imports neither vscode nor node: modules', () => {
    for (const file of sourceFiles('src/webview-ui')) {
      for (const spec of importsOf(file)) {
        assert.ok(spec !== 'vscode' && !spec.startsWith('node:'), `${path.relative(root, file)} imports ${spec}`);
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

  it('the scan finds real imports (guards against a regex that matches nothing)', () => {
    assert.ok(importsOf(path.join(root, 'src/extension.ts')).includes('vscode'));
    assert.ok(importsOf(path.join(root, 'src/api/client.ts')).includes('undici'));
  });
});
