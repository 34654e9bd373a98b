// Extension figures: every shipped file in dist/ with what dominates each bundle (esbuild metafiles), and the measured figures other test runs leave in test-artifacts/metrics.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixed, table, type Cell, type SummaryEntry } from './format';

/** The repository root, from out/test/bench. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Always listed (as "not built" when missing); any other script in dist/ is listed after them. */
const EXPECTED_BUNDLES = ['dist/extension.js', 'dist/webview.js'];

const METRICS_FILE = 'test-artifacts/metrics.json';

/** Figures other runs are expected to measure, and the command that writes each. */
const KNOWN_METRICS = [
  { key: 'activationMs', label: 'activation time', command: 'npm run test:integration' },
  { key: 'panelFirstPaintMs', label: 'panel first paint', command: 'npm run test:ui' },
] as const;

/** Top contributors listed per bundle. */
const TOP_CONTRIBUTORS = 5;

export interface Contributor {
  /** A package (node_modules/<name>) or a source folder (src/<folder>). */
  name: string;
  bytes: number;
}

export interface ExtensionFigures {
  bundles: Array<{ file: string; key: string; bytes?: number; top?: Contributor[] }>;
  /** Shipped files that are not bundles (fonts, WebAssembly, CSS). */
  assets?: Array<{ file: string; bytes: number }>;
  metrics?: Record<string, unknown>;
  metricsError?: string;
}

export function readExtensionFigures(root = REPO_ROOT): ExtensionFigures {
  const distDir = path.join(root, 'dist');
  const others = fs.existsSync(distDir)
    ? fs
        .readdirSync(distDir)
        .filter((name) => name.endsWith('.js'))
        .map((name) => `dist/${name}`)
        .filter((file) => !EXPECTED_BUNDLES.includes(file))
        .sort()
    : [];
  const bundles = [...EXPECTED_BUNDLES, ...others].map((file) => {
    const full = path.join(root, file);
    return { file, key: path.basename(file, '.js'), bytes: fs.existsSync(full) ? fs.statSync(full).size : undefined, top: contributors(root, file) };
  });
  const assets = fs.existsSync(distDir)
    ? fs
        .readdirSync(distDir)
        .filter((name) => /\.(css|ttf|wasm)$/.test(name))
        .sort()
        .map((name) => ({ file: `dist/${name}`, bytes: fs.statSync(path.join(distDir, name)).size }))
    : [];
  const metricsPath = path.join(root, METRICS_FILE);
  if (!fs.existsSync(metricsPath)) return { bundles, assets };
  try {
    const parsed = JSON.parse(fs.readFileSync(metricsPath, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { bundles, assets, metricsError: `${METRICS_FILE} is not a JSON object` };
    return { bundles, assets, metrics: parsed as Record<string, unknown> };
  } catch (e) {
    return { bundles, assets, metricsError: `${METRICS_FILE} cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** What a bundle is made of, by package or source folder, largest first (from dist/meta/<bundle>.json, see esbuild.mjs). */
function contributors(root: string, file: string): Contributor[] | undefined {
  const metaFile = path.join(root, 'dist', 'meta', `${path.basename(file, '.js')}.json`);
  if (!fs.existsSync(metaFile)) return undefined;
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Metafile;
  const output = meta.outputs[file];
  if (!output) return undefined;
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const folder = /^src\/([^/]+)\//.exec(input)?.[1];
    const name = pkg ?? (folder ? `src/${folder}` : input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Nested objects become dotted keys, so every figure is one `key: value` line. */
function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, Cell]> {
  const out: Array<[string, Cell]> = [];
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
    else out.push([key, typeof v === 'number' ? v : typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return out;
}

export function reportExtension(f: ExtensionFigures): { text: string; summary: SummaryEntry[] } {
  const text: string[] = [];
  const summary: SummaryEntry[] = [];
  const kb = (bytes: number | undefined) => (bytes === undefined ? 'not built' : fixed(bytes / 1024, 1));
  text.push(
    table(
      ['bundle', 'size (KB)', `largest parts (KB, from dist/meta/*.json)`],
      f.bundles.map((b) => [
        b.file,
        kb(b.bytes),
        b.top === undefined
          ? 'no metafile: npm run build'
          : b.top
              .slice(0, TOP_CONTRIBUTORS)
              .map((c) => `${c.name} ${fixed(c.bytes / 1024, 1)}`)
              .join(', '),
      ]),
    ),
  );
  for (const b of f.bundles) {
    summary.push([`extension.bundle.${b.key}_kb`, kb(b.bytes)]);
    if (b.top?.[0]) summary.push([`extension.bundle.${b.key}_largest`, `${b.top[0].name} ${fixed(b.top[0].bytes / 1024, 1)} KB`]);
  }
  if (f.assets && f.assets.length > 0) {
    text.push(
      '',
      table(
        ['other shipped file', 'size (KB)'],
        f.assets.map((a) => [a.file, kb(a.bytes)]),
      ),
    );
    for (const a of f.assets) summary.push([`extension.asset.${path.basename(a.file)}_kb`, kb(a.bytes)]);
  }

  const measured = f.metrics ? flatten(f.metrics) : [];
  if (measured.length > 0) {
    text.push('', table(['measured figure (test-artifacts/metrics.json)', 'value'], measured));
    for (const [k, v] of measured) summary.push([`extension.metric.${k}`, v]);
  }
  if (f.metricsError) text.push(`  ${f.metricsError}`);
  const missing = KNOWN_METRICS.filter((m) => !f.metrics || !(m.key in f.metrics));
  if (missing.length > 0) text.push('');
  for (const m of missing) {
    text.push(`  ${m.label}: run ${m.command} first`);
    summary.push([`extension.metric.${m.key}`, `run ${m.command} first`]);
  }
  return { text: text.join('\n'), summary };
}
