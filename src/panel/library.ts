// The panel's side of recent prompts and presets: what it lists, and how a preset becomes a draft and back.
import { randomUUID } from 'node:crypto';
import { t } from '../common/l10n';
import type { InputRef } from '../jobs/inputChecks';
import type { LibraryView, PresetView } from '../protocol/messages';
import { type Draft, imageLabel } from './draft';
import { type Preset, presetImages, presetNameProblem } from './presets';
import { optionsText } from './runAgain';

/** Where the history and presets live (globalState, synced); the VS Code adapter or a test provides it. */
export interface LibraryPort {
  history(): string[];
  presets(): Preset[];
  remember(prompt: string): PromiseLike<void>;
  savePreset(preset: Preset): PromiseLike<Preset>;
  deletePreset(id: string): PromiseLike<void>;
}

export function presetView(preset: Preset): PresetView {
  return { id: preset.id, name: preset.name, prompt: preset.prompt, options: optionsText(preset.options), images: preset.images.map(imageLabel) };
}

export function libraryView(library: LibraryPort): LibraryView {
  return { history: library.history(), presets: library.presets().map(presetView) };
}

/** The draft as a preset named `name`, or the sentence saying why the name will not do. */
export function presetFromDraft(draft: Draft, name: string, now: number): { preset: Preset } | { problem: string } {
  const problem = presetNameProblem(name);
  if (problem) return { problem };
  return {
    preset: {
      id: randomUUID(),
      name: name.trim(),
      prompt: draft.prompt,
      options: { size: draft.size, scale: draft.scale, forceSingle: draft.forceSingle },
      images: presetImages(draft.images.map((i) => i.ref)),
      savedAt: now,
    },
  };
}

/**
 * What applying `preset` puts in the draft: its prompt and options, and the reference images that are here. Files
 * missing on this machine (a preset synced from another one) are left out and named, so the draft never holds them.
 */
export function applyPreset(draft: Draft, preset: Preset, exists: (path: string) => boolean): { refs: InputRef[]; missing: string[] } {
  draft.prompt = preset.prompt;
  draft.size = preset.options.size;
  draft.scale = preset.options.scale;
  draft.forceSingle = preset.options.forceSingle;
  const refs = preset.images.filter((ref) => ref.kind === 'url' || exists(ref.path));
  const missing = preset.images.filter((ref) => !refs.includes(ref)).map(imageLabel);
  return { refs, missing };
}

export function missingImagesNotice(presetName: string, missing: readonly string[]): string {
  return missing.length === 1
    ? t('The preset “{0}” was applied without {1}, which is not on this computer.', presetName, missing[0])
    : t('The preset “{0}” was applied without {1} of its images, which are not on this computer: {2}.', presetName, missing.length, missing.join(', '));
}
