// Saved presets: a name with a prompt, options and reference images, kept in the order last saved, read back tolerantly.
import { type EditOptions, SIZE_OPTIONS, type SizeOption } from '../api/model';
import { t } from '../common/l10n';
import { withoutQuery } from '../common/privateUrl';
import type { InputRef } from '../jobs/inputChecks';

export const PRESET_LIMIT = 100;
export const PRESET_NAME_MAX = 60;

export interface Preset {
  /** Stable while the preset exists; a preset saved again under the same name keeps it. */
  id: string;
  name: string;
  prompt: string;
  options: Required<EditOptions>;
  /** Reference images in the order they are sent; URLs are kept without their query (it may be a signature). */
  images: InputRef[];
  savedAt: number;
}

/** Why `name` cannot name a preset, or undefined. */
export function presetNameProblem(name: string): string | undefined {
  const text = name.trim();
  if (text === '') return t('Give the preset a name.');
  if ([...text].length > PRESET_NAME_MAX) return t('A preset name is at most {0} characters long.', PRESET_NAME_MAX);
  return undefined;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
}

/** The image references a preset keeps: files as they are, URLs without their query. */
export function presetImages(refs: readonly InputRef[]): InputRef[] {
  return refs.map((ref): InputRef => (ref.kind === 'url' ? { kind: 'url', url: withoutQuery(ref.url) } : { kind: 'file', path: ref.path }));
}

/**
 * `preset` first. A preset of the same name (any case) is replaced and its id kept, so saving again updates it
 * instead of adding a twin; the oldest beyond the limit are dropped.
 */
export function savePreset(presets: readonly Preset[], preset: Preset, limit = PRESET_LIMIT): Preset[] {
  const existing = presets.find((p) => sameName(p.name, preset.name));
  const saved: Preset = { ...preset, name: preset.name.trim(), id: existing?.id ?? preset.id, images: presetImages(preset.images) };
  return [saved, ...presets.filter((p) => p !== existing)].slice(0, limit);
}

export function deletePreset(presets: readonly Preset[], id: string): Preset[] {
  return presets.filter((p) => p.id !== id);
}

function parseRef(raw: unknown): InputRef | undefined {
  const ref = raw as Partial<Record<'kind' | 'path' | 'url', unknown>> | undefined;
  if (!ref || typeof ref !== 'object') return undefined;
  if (ref.kind === 'file' && typeof ref.path === 'string' && ref.path !== '') return { kind: 'file', path: ref.path };
  if (ref.kind === 'url' && typeof ref.url === 'string' && ref.url !== '') return { kind: 'url', url: withoutQuery(ref.url) };
  return undefined;
}

function parsePreset(raw: unknown, defaults: Required<EditOptions>): Preset | undefined {
  const p = raw as Partial<Record<keyof Preset, unknown>> | undefined;
  if (!p || typeof p !== 'object') return undefined;
  if (typeof p.id !== 'string' || p.id === '' || typeof p.name !== 'string' || presetNameProblem(p.name)) return undefined;
  const o = (p.options && typeof p.options === 'object' ? p.options : {}) as Partial<Record<keyof EditOptions, unknown>>;
  const options: Required<EditOptions> = {
    size: typeof o.size === 'string' && (SIZE_OPTIONS as readonly string[]).includes(o.size) ? (o.size as SizeOption) : defaults.size,
    scale: typeof o.scale === 'number' && o.scale >= 0 && o.scale <= 1 ? o.scale : defaults.scale,
    forceSingle: typeof o.forceSingle === 'boolean' ? o.forceSingle : defaults.forceSingle,
  };
  const images = Array.isArray(p.images) ? p.images.map(parseRef).filter((r): r is InputRef => r !== undefined) : [];
  return {
    id: p.id,
    name: p.name.trim(),
    prompt: typeof p.prompt === 'string' ? p.prompt : '',
    options,
    images,
    savedAt: typeof p.savedAt === 'number' && Number.isFinite(p.savedAt) ? p.savedAt : 0,
  };
}

/**
 * The presets as stored (anything, from any version or another machine through Settings Sync): the ones that still
 * make sense, options outside today's choices replaced by `defaults`, one per name.
 */
export function parsePresets(stored: unknown, defaults: Required<EditOptions>): Preset[] {
  if (!Array.isArray(stored)) return [];
  const out: Preset[] = [];
  for (const raw of stored) {
    const preset = parsePreset(raw, defaults);
    if (preset && !out.some((p) => p.id === preset.id || sameName(p.name, preset.name))) out.push(preset);
    if (out.length >= PRESET_LIMIT) break;
  }
  return out;
}
