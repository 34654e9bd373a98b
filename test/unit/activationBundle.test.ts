// What activation loads: the esbuild metafile of dist/extension.js (written by `npm run build`) holds none of the runtime's heavy code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/** Code that only a job needs: the HTTP stack, image decoding, the engine and the runtime bundle itself. */
const RUNTIME_ONLY = [
  /node_modules\/undici\//,
  /node_modules\/sharp\//,
  /node_modules\/libheif-js\//,
  /node_modules\/image-size\//,
  /^src\/runtime\.ts$/,
  /^src\/jobs\/engine\.ts$/,
  /^src\/api\/client\.ts$/,
  /^src\/imaging\/worker\//,
];

describe('the activation bundle', () => {
  it('holds none of the code only a job needs, which stays in dist/runtime.js', () => {
    const metaFile = path.join(root, 'dist', 'meta', 'extension.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
    };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.includes('src/extension.ts'), 'the metafile is the extension bundle');
    const heavy = inputs.filter((input) => RUNTIME_ONLY.some((re) => re.test(input)));
    assert.deepEqual(heavy, []);
    const runtimeImport = meta.outputs['dist/extension.js'].imports.find((i) => i.path === './runtime.js');
    assert.ok(runtimeImport?.external, 'the runtime is required from its own bundle, on first need');
  });
});
