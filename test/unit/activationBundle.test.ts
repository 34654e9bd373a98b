// What activation loads: the esbuild metafiles (written by `npm run build`) show a tiny entry bundle, and a composition bundle without the runtime's heavy code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
}

function metafile(bundle: string): Metafile {
  return JSON.parse(fs.readFileSync(path.join(root, 'dist', 'meta', `${bundle}.json`), 'utf8')) as Metafile;
}

/** All the entry may hold: itself, the stand-ins with the manifest reading, and the cheap looks at stored jobs and batches. */
const ENTRY_ONLY = [/^src\/extension\.ts$/, /^src\/activation\/[\w]+\.ts$/, /^src\/storage\/(jobs|batches)Key\.ts$/];

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
  it('holds only the entry, the stand-ins and the stored-work checks: no package (zod, undici), no panel, command or service code', () => {
    const meta = metafile('extension');
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.includes('src/extension.ts'), 'the metafile is the extension bundle');
    assert.ok(inputs.includes('src/activation/standIns.ts'), 'the stand-ins are in it');
    assert.deepEqual(
      inputs.filter((input) => !ENTRY_ONLY.some((re) => re.test(input))),
      [],
    );
    const packages = meta.outputs['dist/extension.js'].imports.filter((i) => !i.external);
    assert.deepEqual(packages, []);
    assert.deepEqual([...new Set(meta.outputs['dist/extension.js'].imports.map((i) => i.path))].sort(), ['node:module', 'vscode']);
  });

  it('requires the composition, a bundle of its own beside it, by the name esbuild gives it', () => {
    const entry = fs.readFileSync(path.join(root, 'dist', 'extension.js'), 'utf8');
    assert.match(entry, /createRequire\)\(__filename\)\(['"]\.\/composition['"]\)|createRequire\(__filename\)\(['"]\.\/composition['"]\)/);
    assert.ok(Object.keys(metafile('composition').inputs).includes('src/composition.ts'), 'dist/composition.js is built from src/composition.ts');
    assert.ok(fs.existsSync(path.join(root, 'dist', 'composition.js')));
    const shipped = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
    for (const bundle of ['dist/extension.js', 'dist/composition.js']) assert.ok(shipped.includes(`!${bundle}`), `.vscodeignore ships ${bundle}`);
  });

  it('leaves the code only a job needs to dist/runtime.js, which the composition requires on first need', () => {
    const meta = metafile('composition');
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.includes('src/webview/registerPanel.ts') && inputs.includes('src/commands/table.ts'), 'the composition wires the features');
    const heavy = inputs.filter((input) => RUNTIME_ONLY.some((re) => re.test(input)));
    assert.deepEqual(heavy, []);
    const runtimeImport = meta.outputs['dist/composition.js'].imports.find((i) => i.path === './runtime.js');
    assert.ok(runtimeImport?.external, 'the runtime is required from its own bundle, on first need');
  });
});
