// Extension figures: bundle sizes from dist/ and the measured figures other test runs leave in test-artifacts/metrics.json.
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

export interface ExtensionFigures {
  bundles: Array<{ file: string; key: string; bytes?: number }>;
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
    return { file, key: path.basename(file, '.js'), bytes: fs.existsSync(full) ? fs.statSync(full).size : undefined };
  });
  const metricsPath = path.join(root, METRICS_FILE);
  if (!fs.existsSync(metricsPath)) return { bundles };
  try {
    const parsed = JSON.parse(fs.readFileSync(metricsPath, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { bundles, metricsError: `${METRICS_FILE} is not a JSON object` };
    return { bundles, metrics: parsed as Record<string, unknown> };
  } catch (e) {
    return { bundles, metricsError: `${METRICS_FILE} cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
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
  text.push(
    table(
      ['bundle', 'size (KB)'],
      f.bundles.map((b) => [b.file, b.bytes === undefined ? 'not built' : fixed(b.bytes / 1024, 1)]),
    ),
  );
  for (const b of f.bundles) summary.push([`extension.bundle.${b.key}_kb`, b.bytes === undefined ? 'not built' : fixed(b.bytes / 1024, 1)]);

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
