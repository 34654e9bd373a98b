// The composer's draft on the host side: inputs with their local checks, prompt and options, and how it is stored.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { type EditOptions, SIZE_OPTIONS, type SizeOption } from '../api/model';
import { withoutQuery } from '../common/privateUrl';
import type { ImageFacts, InputProblem, InputRef } from '../jobs/inputChecks';

export const DRAFT_KEY = 'runcomfy.panel.draft.v1';

export interface DraftImage {
  id: string;
  ref: InputRef;
  facts?: ImageFacts;
  problems: InputProblem[];
  checking: boolean;
  /** What is sent after fitting, in one line (see fitSummaryText). */
  fitSummary?: string;
  /** The aspect ratio is out of range and Pad or Crop would fix it. */
  canFit?: boolean;
  /** The file's format by content, when fitting read it (facts only tell PNG and JPEG apart from the rest). */
  sourceFormat?: string;
}

export interface Draft {
  images: DraftImage[];
  prompt: string;
  size: SizeOption;
  scale: number;
  forceSingle: boolean;
}

export interface StoredDraft {
  images?: InputRef[];
  prompt?: string;
  size?: string;
  scale?: number;
  forceSingle?: boolean;
}

export function emptyDraft(defaults: Required<EditOptions>): Draft {
  return { images: [], prompt: '', size: defaults.size, scale: defaults.scale, forceSingle: defaults.forceSingle };
}

export function newImage(ref: InputRef): DraftImage {
  return { id: randomUUID(), ref, problems: [], checking: ref.kind === 'file' };
}

/** The draft as it was stored (anything, from any version), or the defaults where it says nothing usable. */
export function loadDraft(stored: unknown, defaults: Required<EditOptions>): Draft {
  const raw = stored as StoredDraft | undefined;
  const draft = emptyDraft(defaults);
  if (!raw || typeof raw !== 'object') return draft;
  if (typeof raw.prompt === 'string') draft.prompt = raw.prompt;
  if (typeof raw.size === 'string' && (SIZE_OPTIONS as readonly string[]).includes(raw.size)) draft.size = raw.size as SizeOption;
  if (typeof raw.scale === 'number' && raw.scale >= 0 && raw.scale <= 1) draft.scale = raw.scale;
  if (typeof raw.forceSingle === 'boolean') draft.forceSingle = raw.forceSingle;
  if (Array.isArray(raw.images)) {
    for (const ref of raw.images) {
      if (ref && ref.kind === 'file' && typeof ref.path === 'string') {
        draft.images.push(newImage({ kind: 'file', path: ref.path, ...(ref.fit === 'pad' || ref.fit === 'crop' ? { fit: ref.fit } : {}) }));
      }
      if (ref && ref.kind === 'url' && typeof ref.url === 'string') draft.images.push(newImage({ kind: 'url', url: ref.url }));
    }
  }
  return draft;
}

/**
 * What is kept across reloads: the inputs (not their checks, which are redone), prompt and options. A URL is kept
 * without its query, which may be a signature; after a reload it asks to be added again.
 */
export function storedDraft(draft: Draft): StoredDraft {
  return {
    images: draft.images.map((i): InputRef => (i.ref.kind === 'url' ? { kind: 'url', url: withoutQuery(i.ref.url) } : i.ref)),
    prompt: draft.prompt,
    size: draft.size,
    scale: draft.scale,
    forceSingle: draft.forceSingle,
  };
}

export function moveImage(draft: Draft, id: string, to: number): void {
  const from = draft.images.findIndex((i) => i.id === id);
  if (from < 0) return;
  const [item] = draft.images.splice(from, 1);
  draft.images.splice(Math.max(0, Math.min(to, draft.images.length)), 0, item);
}

export function imageLabel(ref: InputRef): string {
  return ref.kind === 'file' ? path.basename(ref.path) : withoutQuery(ref.url);
}
