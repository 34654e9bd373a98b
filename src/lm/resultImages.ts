// Result images attached to the chat tool's answer where VS Code accepts image parts, so the model can look at what it made.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';

/** Larger files are not attached: a model does not need more pixels to judge an edit, and chat requests have a size cap. */
export const MAX_ATTACHED_BYTES = 1024 * 1024;
export const MAX_ATTACHED_IMAGES = 4;

type DataPartFactory = { image(data: Uint8Array, mimeType: string): unknown };

/** `vscode.LanguageModelDataPart` where this VS Code has it (it is newer than the oldest version supported). */
function dataParts(): DataPartFactory | undefined {
  const factory = (vscode as unknown as { LanguageModelDataPart?: Partial<DataPartFactory> }).LanguageModelDataPart;
  return typeof factory?.image === 'function' ? (factory as DataPartFactory) : undefined;
}

function mimeOf(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

export interface AttachedImages {
  parts: unknown[];
  /** Why some or all results are not attached, for the model; undefined when every one is. */
  note?: string;
}

/** Image parts for saved results that are small enough to attach as they are; never fails the answer. */
export async function attachResultImages(files: readonly string[]): Promise<AttachedImages> {
  if (files.length === 0) return { parts: [] };
  const factory = dataParts();
  if (!factory) return { parts: [], note: 'The result images are not attached: this VS Code cannot pass images to a model. Open the files to look at them.' };
  const parts: unknown[] = [];
  let tooLarge = 0;
  for (const file of files) {
    if (parts.length >= MAX_ATTACHED_IMAGES) break;
    try {
      const stat = await fs.stat(file);
      if (stat.size > MAX_ATTACHED_BYTES) {
        tooLarge += 1;
        continue;
      }
      const bytes = await fs.readFile(file);
      const mime = mimeOf(bytes);
      if (mime) parts.push(factory.image(bytes, mime));
    } catch {
      // Moved or deleted since it was saved: the paths in the text still say where it was.
    }
  }
  const missing = files.length - parts.length;
  if (missing === 0) return { parts };
  const reasons = [
    ...(tooLarge > 0 ? [`${tooLarge} larger than 1 MB`] : []),
    ...(files.length > MAX_ATTACHED_IMAGES ? [`at most ${MAX_ATTACHED_IMAGES} are attached`] : []),
  ];
  const why = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
  return { parts, note: `${missing} of ${files.length} result images are not attached${why}; the files are on disk at the paths above.` };
}
