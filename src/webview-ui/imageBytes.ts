// Images that reach the panel as bytes: a screenshot pasted from the clipboard (sent as PNG) and files dropped from outside VS Code.
import { MAX_IMAGE_BYTES, MAX_IMAGES } from '../api/model';
import { t } from '../common/l10n';
import type { FromWebview } from '../protocol/messages';

type ImportMessage = Extract<FromWebview, { type: 'importImages' }>;

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** The file's bytes as base64, without the `data:` prefix. */
function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(blob);
  });
}

/** A clipboard image in another format (some systems put JPEG or BMP there) redrawn as PNG, so every paste is saved the same way. */
async function asPng(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob;
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((png) => (png ? resolve(png) : reject(new Error('no PNG'))), 'image/png'));
}

function tooBig(name: string, bytes: number): string {
  return t('{0} is {1}; each image must be at most 15 MB.', name, t('{0} MB', megabytes(bytes)));
}

/**
 * Reads `files` for the host, refusing before anything is read what could not be used: more than 10 files, or a file
 * over 15 MB. Resolves to the message to post (if any file is left) and the reasons others were refused.
 */
export async function readImageFiles(files: readonly File[], source: ImportMessage['source']): Promise<{ message?: ImportMessage; refused: string[] }> {
  const refused: string[] = [];
  if (files.length > MAX_IMAGES) return { refused: [t('{0} files were dropped; at most {1} can be added at once.', files.length, MAX_IMAGES)] };
  const images: ImportMessage['images'] = [];
  for (const file of files) {
    const name = source === 'paste' ? t('The pasted image') : file.name;
    try {
      if (file.size > MAX_IMAGE_BYTES) {
        refused.push(tooBig(name, file.size));
        continue;
      }
      const blob = source === 'paste' ? await asPng(file) : file;
      if (blob.size > MAX_IMAGE_BYTES) {
        refused.push(tooBig(name, blob.size));
        continue;
      }
      images.push({ ...(source === 'drop' ? { name: file.name } : {}), data: await base64Of(blob) });
    } catch {
      refused.push(t('{0} could not be read.', name));
    }
  }
  return { message: images.length > 0 ? { type: 'importImages', source, images } : undefined, refused };
}

/** The image files a clipboard or drop carries (a copied screenshot is one `image/*` file item). */
export function imageFilesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  return Array.from(data.items)
    .filter((item) => item.kind === 'file' && item.type.startsWith('image/'))
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
}

/**
 * Ctrl+V / ⌘V anywhere in the panel with an image on the clipboard adds it as an input (the host saves it under the
 * output folder's inputs/). Pasting text, into the prompt or the address field, is left alone.
 */
export function acceptPastedImages(deps: { post(message: FromWebview): void; notice(message: string): void }): void {
  document.addEventListener('paste', (event) => {
    const files = imageFilesOf(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    void readImageFiles(files.slice(0, 1), 'paste').then(({ message, refused }) => {
      if (message) deps.post(message);
      if (refused.length > 0) deps.notice(refused.join(' '));
    });
  });
}
