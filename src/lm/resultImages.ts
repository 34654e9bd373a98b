// Result images attached to the chat tool's answer where VS Code accepts image parts, so the model can look at what it made.
import * as vscode from 'vscode';
import type { Preview } from '../imaging/preview';

export const MAX_ATTACHED_IMAGES = 4;

type DataPartFactory = { image(data: Uint8Array, mimeType: string): unknown };

/** `vscode.LanguageModelDataPart` where this VS Code has it (it is newer than the oldest version supported). */
function dataParts(): DataPartFactory | undefined {
  const factory = (vscode as unknown as { LanguageModelDataPart?: Partial<DataPartFactory> }).LanguageModelDataPart;
  return typeof factory?.image === 'function' ? (factory as DataPartFactory) : undefined;
}

export interface AttachedImages {
  parts: unknown[];
  /** What the model should know about the attached images, or why some or all are not attached; undefined when all are, as saved. */
  note?: string;
}

/** A saved result as a small image (downscaled when it is large); undefined when it cannot be read. */
export type PreviewFile = (file: string) => Promise<Preview | undefined>;

/** Image parts for saved results, each downscaled to a size a model takes; never fails the answer. */
export async function attachResultImages(files: readonly string[], preview: PreviewFile): Promise<AttachedImages> {
  if (files.length === 0) return { parts: [] };
  const factory = dataParts();
  if (!factory) return { parts: [], note: 'The result images are not attached: this VS Code cannot pass images to a model. Open the files to look at them.' };
  const parts: unknown[] = [];
  let downscaled = 0;
  for (const file of files.slice(0, MAX_ATTACHED_IMAGES)) {
    try {
      const image = await preview(file);
      if (!image) continue;
      parts.push(factory.image(image.bytes, image.mimeType));
      if (image.downscaled) downscaled += 1;
    } catch {
      // Moved or deleted since it was saved: the paths in the text still say where it was.
    }
  }
  const notes: string[] = [];
  if (downscaled > 0) notes.push('The attached images are smaller copies (at most 1024 px a side); the files on disk are full size.');
  const missing = files.length - parts.length;
  if (missing > 0) {
    const why = files.length > MAX_ATTACHED_IMAGES ? ` (at most ${MAX_ATTACHED_IMAGES} are attached)` : '';
    notes.push(`${missing} of ${files.length} result images are not attached${why}; the files are on disk at the paths above.`);
  }
  return notes.length > 0 ? { parts, note: notes.join(' ') } : { parts };
}
