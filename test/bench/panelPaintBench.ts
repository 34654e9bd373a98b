// Panel first paint: from Enter on the palette command to the painted Compose tab, against a minimal webview panel
// (test/fixtures/minimalPanel) loaded next to the extension in the same code-server + chromium, on open and reopen.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../emulator/server';
import { copyFixtureWorkspace, openWorkbench, repoRoot, startCodeServer, type CodeServer, type TempWorkspace, type Workbench } from '../vscode/codeServer';
import { openCommandPalette, runCommand, waitForCommand, waitForWorkbench, waitUntil, webviewElement, webviewFrame } from '../ui/workbench';
import { int, median, max, min, ratio, table, type SummaryEntry } from './format';

/** Rounds of open + reopen per panel; the order of the two panels alternates between rounds. */
const ROUNDS = Number(process.env.BENCH_PAINT_ROUNDS ?? 9);

const PAINT_TIMEOUT_MS = 30_000;

const apiToken = 'bench-paint-token-0123456789';

interface PanelUnderTest {
  key: 'ours' | 'minimal';
  label: string;
  /** The palette title of the command that opens (or reveals) the panel. */
  command: string;
  /** What is on screen once the panel is painted, in the page of the webview. */
  painted(page: Page): Locator;
  extensionId: string;
}

const PANELS: readonly PanelUnderTest[] = [
  {
    key: 'ours',
    label: 'RunComfy Edit panel (Compose tab)',
    command: 'RunComfy: Open Edit Panel',
    extensionId: 'runcomfy-edit.runcomfy-dreamina-edit',
    painted: (page) => webviewFrame(page, 'runcomfy-edit.runcomfy-dreamina-edit').locator('[role="tab"][data-view="compose"]'),
  },
  {
    key: 'minimal',
    label: 'minimal panel (one paragraph)',
    command: 'Minimal Panel: Open',
    extensionId: 'runcomfy-bench.minimal-panel',
    painted: (page) => webviewFrame(page, 'runcomfy-bench.minimal-panel').locator('p#painted'),
  },
];

export interface PanelPaintResult {
  rounds: number;
  /** Milliseconds per panel: `open` creates the panel (none exists), `reopen` reveals it from behind the other panel. */
  times: Record<PanelUnderTest['key'], { open: number[]; reopen: number[] }>;
  /** Of each figure, the milliseconds inside the panel's page: from the start of its document to its first paint. */
  inPage: Record<PanelUnderTest['key'], { open: number[]; reopen: number[] }>;
}

interface TimedOpen {
  /** From Enter to the first contentful paint. */
  total: number;
  /** From the start of the panel's document (its time origin) to the first contentful paint. */
  inPage: number;
}

/**
 * Runs `command` from the palette and returns the milliseconds from Enter until `panel` is painted and shown: the first
 * contentful paint of the panel's page, read off that page's own paint timing (the browser's clock is this machine's).
 * Waiting for the content from outside only tells that it has been painted by then: Playwright looks again at growing
 * intervals (up to 500 ms), which would round each figure up by as much as a poll interval.
 */
async function timedOpen(page: Page, panel: PanelUnderTest): Promise<TimedOpen> {
  await openCommandPalette(page, panel.command);
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await waitUntil(
    `"${panel.command}" to be the first palette row`,
    async () => ((await first.locator('.label-name').first().textContent()) ?? '').trim() === panel.command,
    10_000,
  );
  const pressed = Date.now();
  await page.keyboard.press('Enter');
  // The content must be visible in its own document and its webview shown in the workbench (a hidden webview keeps
  // its iframe in the page).
  await Promise.all([
    panel.painted(page).waitFor({ state: 'visible', timeout: PAINT_TIMEOUT_MS }),
    webviewElement(page, panel.extensionId).waitFor({ state: 'visible', timeout: PAINT_TIMEOUT_MS }),
  ]);
  const paint = await panel.painted(page).evaluate(() => ({
    origin: performance.timeOrigin,
    firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  if (paint.firstContentfulPaint === undefined) throw new Error(`${panel.label}: no first contentful paint recorded`);
  // VS Code writes the panel's HTML into a fresh page each time it shows the panel (none is kept when hidden).
  if (paint.origin < pressed - 50) throw new Error(`${panel.label}: the page was not loaded again by this open`);
  return { total: paint.origin + paint.firstContentfulPaint - pressed, inPage: paint.firstContentfulPaint };
}

export async function runPanelPaintBench(): Promise<PanelPaintResult> {
  let emulator: Emulator | undefined;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let workspace: TempWorkspace | undefined;
  let extensionsDir: string | undefined;
  try {
    workspace = copyFixtureWorkspace();
    // The workbench loads only one development extension from its payload, so the minimal panel is installed: a
    // folder in the extensions dir, which VS Code finds on its first start.
    extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-paint-extensions-'));
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'minimalPanel'), path.join(extensionsDir, 'runcomfy-bench.minimal-panel-0.0.1'), { recursive: true });
    emulator = await startEmulator({ requiredToken: apiToken });
    server = await startCodeServer({
      workspace: workspace.dir,
      extensionDevelopmentPath: repoRoot,
      extensionsDir,
      smokeTestDriver: true,
      userSettings: { 'runcomfy.apiBaseUrl': emulator.baseUrl, 'remote.autoForwardPorts': false },
      env: { RUNCOMFY_API_TOKEN: apiToken },
    });
    workbench = await openWorkbench({ url: server.url });
    const page = workbench.page;
    await waitForWorkbench(page);
    for (const panel of PANELS) await waitForCommand(page, panel.command);

    // Whichever webview comes first in a window also pays for VS Code's webview host (its service worker): not counted.
    await timedOpen(page, PANELS[1]);
    const times: PanelPaintResult['times'] = { ours: { open: [], reopen: [] }, minimal: { open: [], reopen: [] } };
    const inPage: PanelPaintResult['inPage'] = { ours: { open: [], reopen: [] }, minimal: { open: [], reopen: [] } };
    const record = (panel: PanelUnderTest, kind: 'open' | 'reopen', timed: TimedOpen): void => {
      times[panel.key][kind].push(timed.total);
      inPage[panel.key][kind].push(timed.inPage);
    };
    for (let round = 0; round < ROUNDS; round++) {
      await runCommand(page, 'View: Close All Editors');
      await waitUntil('every editor to close', async () => (await page.locator('.tabs-container .tab').count()) === 0, 10_000);
      const order = round % 2 === 0 ? PANELS : [...PANELS].reverse();
      // Both open in the same editor group, the second in front of the first; then each is brought back in turn.
      for (const panel of order) record(panel, 'open', await timedOpen(page, panel));
      for (const panel of order) record(panel, 'reopen', await timedOpen(page, panel));
    }
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    return { rounds: ROUNDS, times, inPage };
  } finally {
    await workbench?.close();
    await server?.stop();
    await emulator?.close();
    workspace?.remove();
    if (extensionsDir) fs.rmSync(extensionsDir, { recursive: true, force: true });
  }
}

export function reportPanelPaint(r: PanelPaintResult): { text: string; summary: SummaryEntry[] } {
  const summary: SummaryEntry[] = [];
  const rows: string[][] = [];
  for (const kind of ['open', 'reopen'] as const) {
    for (const panel of PANELS) {
      const values = r.times[panel.key][kind];
      rows.push([`${kind}: ${panel.label}`, int(values[0]), int(median(values)), int(min(values)), int(max(values))]);
      summary.push([`paint.${kind}_${panel.key}_first_ms`, int(values[0])]);
      summary.push([`paint.${kind}_${panel.key}_median_ms`, int(median(values))]);
    }
    const ratioText = ratio(median(r.times.ours[kind]), median(r.times.minimal[kind]));
    rows.push([`${kind}: ours ÷ minimal`, ratio(r.times.ours[kind][0], r.times.minimal[kind][0]), ratioText, '', '']);
    summary.push([`paint.${kind}_ratio`, ratioText]);
  }
  // The same opens, counted only inside each panel's page: what VS Code and the extension host do before the page
  // starts is left out, and so is most of the noise of a shared machine.
  const pageRows: string[][] = [];
  for (const kind of ['open', 'reopen'] as const) {
    for (const panel of PANELS) {
      const values = r.inPage[panel.key][kind];
      pageRows.push([`${kind}: ${panel.label}`, int(values[0]), int(median(values)), int(min(values)), int(max(values))]);
      summary.push([`paint.${kind}_${panel.key}_in_page_median_ms`, int(median(values))]);
    }
    const ours = median(r.inPage.ours[kind]);
    const minimal = median(r.inPage.minimal[kind]);
    pageRows.push([`${kind}: ours − minimal`, '', ours === undefined || minimal === undefined ? '—' : int(ours - minimal), '', '']);
  }
  const text = [
    table(['ms from Enter on the command to the painted panel', 'round 1', 'median', 'min', 'max'], rows),
    '',
    table(["of which inside the panel's page (document start to first paint)", 'round 1', 'median', 'min', 'max'], pageRows),
    '',
    `  ${r.rounds} rounds in one code-server + chromium; each round closes all editors, opens both panels (order`,
    "  alternating, after one uncounted open of the minimal panel that warms VS Code's webview host; round 1 is the",
    '  first time the RunComfy panel opens in this window and its extension code loads),',
    '  then reopens each from behind the other (panels keep no context when hidden, so reopening repaints).',
    "  Each figure ends at the first contentful paint in the panel's own page (its paint timing).",
  ].join('\n');
  return { text, summary };
}
