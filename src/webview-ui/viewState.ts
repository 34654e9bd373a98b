// The panel's small pure helpers for results, the comparison and the view state kept across reloads.
import { t } from '../common/l10n';
import type { ResultView } from '../protocol/messages';
import { VIEW_NAMES, type ViewName } from './viewModel';

// ---- results ----

/** "2048 × 2048" for the model's "2048x2048(1:1)". */
export function sizeText(size: string): string {
  const m = /^(\d+)x(\d+)/.exec(size);
  return m ? `${m[1]} × ${m[2]}` : size;
}

/** The saved file's real size when the host read it ("256 × 256"), else the size that was asked for. */
export function resultMeta(result: ResultView): string {
  const parts: string[] = [];
  if (result.width !== undefined && result.height !== undefined) parts.push(`${result.width} × ${result.height}`);
  else if (result.size) parts.push(sizeText(result.size));
  if (result.scale !== undefined) parts.push(t('scale {0}', formatScale(result.scale)));
  if (result.forceSingle) parts.push(t('single output'));
  return parts.join(' · ');
}

export function formatScale(scale: number): string {
  return (Math.round(scale * 100) / 100).toFixed(2);
}

// ---- comparison ----

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}

/** Where a pointer at `clientX` sits across a box, from 0 (left edge) to 1 (right edge). */
export function ratioAt(clientX: number, left: number, width: number): number {
  return width > 0 ? clamp01((clientX - left) / width) : 0.5;
}

// ---- view state kept across reloads ----

export interface UiState {
  view: ViewName;
  scroll: Partial<Record<ViewName, number>>;
  /** The result path open in the comparison, and where its divider sits. */
  compare?: { path: string; position: number };
}

function isViewName(value: unknown): value is ViewName {
  return typeof value === 'string' && (VIEW_NAMES as readonly string[]).includes(value);
}

/** Reads what `vscode.getState()` returned, which may come from an older version of the panel or be nothing. */
export function parseUiState(raw: unknown, fallbackView: ViewName): UiState {
  const state: UiState = { view: fallbackView, scroll: {} };
  if (!raw || typeof raw !== 'object') return state;
  const record = raw as Record<string, unknown>;
  if (isViewName(record.view)) state.view = record.view;
  if (record.scroll && typeof record.scroll === 'object') {
    for (const view of VIEW_NAMES) {
      const value = (record.scroll as Record<string, unknown>)[view];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) state.scroll[view] = value;
    }
  }
  const compare = record.compare as Record<string, unknown> | undefined;
  if (compare && typeof compare === 'object' && typeof compare.path === 'string' && typeof compare.position === 'number') {
    state.compare = { path: compare.path, position: clamp01(compare.position) };
  }
  return state;
}
