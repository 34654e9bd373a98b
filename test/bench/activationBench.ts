// Activation in the real extension host: ours against an empty extension (test/fixtures/emptyExtension) in the same host, over several host starts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFixtureWorkspace, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../vscode/codeServer';
import { SHIM_FILE, shimSource, type ActivationRecord } from './activationShim';
import { REPO_ROOT } from './extensionFigures';
import { fixed, median, table, type SummaryEntry } from './format';

/** Host starts; BENCH_ACTIVATION_RUNS overrides. */
const DEFAULT_RUNS = 5;
/** How long one host start may take to report both activations. */
const RUN_TIMEOUT_MS = 60_000;

const OURS = 'ours';
const EMPTY = 'empty';

/** What of each extension is copied into its measured copy (ours: what the .vsix ships, see .vscodeignore). */
interface MeasuredExtension {
  label: string;
  source: string;
  entries: readonly string[];
}

const EXTENSIONS: readonly MeasuredExtension[] = [
  { label: OURS, source: REPO_ROOT, entries: ['package.json', 'package.nls.json', 'package.nls.ru.json', 'dist', 'l10n', 'media'] },
  { label: EMPTY, source: path.join(REPO_ROOT, 'test', 'fixtures', 'emptyExtension'), entries: ['package.json', 'extension.js'] },
];

export interface ActivationRun {
  /** The extensions in the order the extensions folder's index lists them. */
  order: string[];
  records: Record<string, ActivationRecord>;
}

export interface ActivationFigures {
  runs: ActivationRun[];
  /** Host starts that reported nothing usable, with why. */
  failures: string[];
}

interface Manifest {
  publisher: string;
  name: string;
  version: string;
  main?: string;
}

/**
 * Installs a copy of the extension's shipped files into `extensionsDir` (as VS Code does from a .vsix) and points its
 * `main` at the timing shim, which loads the real main module. Returns the copy's folder name.
 */
function installCopy(extension: MeasuredExtension, extensionsDir: string, outFile: string): { folder: string; manifest: Manifest } {
  const sourceManifest = JSON.parse(fs.readFileSync(path.join(extension.source, 'package.json'), 'utf8')) as Manifest;
  const folder = `${sourceManifest.publisher}.${sourceManifest.name}-${sourceManifest.version}`;
  const dir = path.join(extensionsDir, folder);
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of extension.entries) {
    const from = path.join(extension.source, entry);
    if (!fs.existsSync(from)) throw new Error(`${from} is missing${extension.label === OURS ? ': npm run build' : ''}`);
    // Bundle metafiles are not shipped.
    fs.cpSync(from, path.join(dir, entry), { recursive: true, filter: (f) => !f.includes(`${path.sep}dist${path.sep}meta`) });
  }
  if (!sourceManifest.main) throw new Error(`${extension.label}: package.json has no main`);
  const realMain = `./${path.posix.normalize(sourceManifest.main)}`;
  fs.writeFileSync(path.join(dir, SHIM_FILE), shimSource(extension.label, realMain, outFile));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...sourceManifest, main: `./${SHIM_FILE}` }, null, 2));
  return { folder, manifest: sourceManifest };
}

/** The extensions folder's index (extensions.json), listing the installed copies in `order`. */
function writeExtensionsIndex(extensionsDir: string, installed: Record<string, { folder: string; manifest: Manifest }>, order: readonly string[]): void {
  const index = order.map((label) => {
    const { folder, manifest } = installed[label];
    return {
      identifier: { id: `${manifest.publisher}.${manifest.name}`.toLowerCase() },
      version: manifest.version,
      location: { $mid: 1, path: path.join(extensionsDir, folder), scheme: 'file' },
      relativeLocation: folder,
      metadata: { installedTimestamp: Date.now(), source: 'vsix' },
    };
  });
  fs.writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify(index));
}

function readRecords(outFile: string): Record<string, ActivationRecord> {
  if (!fs.existsSync(outFile)) return {};
  const records: Record<string, ActivationRecord> = {};
  for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as ActivationRecord;
    records[record.label] = record;
  }
  return records;
}

/** One host start: a fresh code-server and browser window, with both extensions installed in `extensionsDir`. */
async function runOnce(extensionsDir: string, order: string[], outFile: string): Promise<Record<string, ActivationRecord>> {
  fs.rmSync(outFile, { force: true });
  const workspace = copyFixtureWorkspace();
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  try {
    server = await startCodeServer({ workspace: workspace.dir, extensionsDir });
    workbench = await openWorkbench({ url: server.url, waitForWorkbench: false });
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const records = readRecords(outFile);
      if (order.every((label) => label in records)) return records;
      if (Date.now() > deadline)
        throw new Error(`no activation from ${order.filter((label) => !(label in records)).join(', ')} within ${RUN_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await workbench?.close();
    await server?.stop();
    workspace.remove();
  }
}

export async function runActivationBench(runs = Number(process.env.BENCH_ACTIVATION_RUNS ?? DEFAULT_RUNS)): Promise<ActivationFigures> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'activation-bench-'));
  const outFile = path.join(root, 'activations.jsonl');
  const figures: ActivationFigures = { runs: [], failures: [] };
  try {
    // code-server loads only one development extension (the last one in the URL payload): both are installed instead.
    const extensionsDir = path.join(root, 'extensions');
    const installed: Record<string, { folder: string; manifest: Manifest }> = {};
    for (const extension of EXTENSIONS) installed[extension.label] = installCopy(extension, extensionsDir, outFile);
    for (let i = 0; i < runs; i++) {
      // Alternate which extension the index lists first, so neither always pays for what the first one warms up.
      const order = i % 2 === 0 ? [OURS, EMPTY] : [EMPTY, OURS];
      writeExtensionsIndex(extensionsDir, installed, order);
      try {
        figures.runs.push({ order, records: await runOnce(extensionsDir, order, outFile) });
      } catch (e) {
        figures.failures.push(`host start ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (figures.runs.length === 0) throw new Error(`no host start reported both activations:\n${figures.failures.join('\n')}`);
  return figures;
}

/** Code loading plus activate() until its promise settled: what the extension costs the host before it is active. */
export function totalMs(record: ActivationRecord): number {
  return record.loadMs + record.resolvedMs;
}

interface Stats {
  median?: number;
  min?: number;
  max?: number;
}

function stats(values: readonly number[]): Stats {
  return values.length === 0 ? {} : { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const ms = (n: number | undefined) => fixed(n, 1);
const spread = (s: Stats) => (s.min === undefined ? 'n/a' : `${ms(s.min)}–${ms(s.max)}`);

export function reportActivation(f: ActivationFigures): { text: string; summary: SummaryEntry[] } {
  const text: string[] = [];
  const summary: SummaryEntry[] = [];
  const complete = f.runs.filter((r) => OURS in r.records && EMPTY in r.records);
  const column = (label: string, pick: (r: ActivationRecord) => number) => stats(complete.map((r) => pick(r.records[label])));
  const parts: Array<[string, (r: ActivationRecord) => number]> = [
    ['code loading (require)', (r) => r.loadMs],
    ['activate() call', (r) => r.callMs],
    ['activate() until resolved', (r) => r.resolvedMs],
    ['total: loading + resolved', totalMs],
    ['CPU time: loading + activate() call', (r) => r.cpuMs],
  ];
  text.push(
    `  ${complete.length} host start(s), each a fresh code-server with both extensions installed (order alternated);`,
    `  times from a shim around each main module, in ms: median (min–max); the CPU time is the extension host's own, which`,
    `  other processes on a busy machine do not stretch`,
    '',
    table(
      ['', 'ours', 'empty extension', 'ours − empty (same host)'],
      parts.map(([name, pick]) => {
        const ours = column(OURS, pick);
        const empty = column(EMPTY, pick);
        const diff = stats(complete.map((r) => pick(r.records[OURS]) - pick(r.records[EMPTY])));
        return [name, `${ms(ours.median)} (${spread(ours)})`, `${ms(empty.median)} (${spread(empty)})`, `${ms(diff.median)} (${spread(diff)})`];
      }),
    ),
  );
  for (const run of complete) {
    const errors = [OURS, EMPTY].map((label) => run.records[label].error).filter((e) => e !== undefined);
    if (errors.length > 0) text.push(`  activation failed: ${errors.join('; ')}`);
  }
  for (const failure of f.failures) text.push(`  ${failure}`);

  const ours = stats(complete.map((r) => totalMs(r.records[OURS])));
  const empty = stats(complete.map((r) => totalMs(r.records[EMPTY])));
  const diff = stats(complete.map((r) => totalMs(r.records[OURS]) - totalMs(r.records[EMPTY])));
  const cpuDiff = stats(complete.map((r) => r.records[OURS].cpuMs - r.records[EMPTY].cpuMs));
  summary.push(
    ['activation.host_starts', complete.length],
    ['activation.ours_ms', `${ms(ours.median)} (${spread(ours)})`],
    ['activation.empty_ms', `${ms(empty.median)} (${spread(empty)})`],
    ['activation.difference_ms', `${ms(diff.median)} (${spread(diff)})`],
    ['activation.ours_load_ms', ms(column(OURS, (r) => r.loadMs).median)],
    ['activation.ours_activate_ms', ms(column(OURS, (r) => r.resolvedMs).median)],
    ['activation.cpu_difference_ms', `${ms(cpuDiff.median)} (${spread(cpuDiff)})`],
  );
  if (f.failures.length > 0) summary.push(['activation.failed_host_starts', f.failures.length]);
  return { text: text.join('\n'), summary };
}
