// Chooses input images from the workspace, a file dialog, or public URLs: the wizard's first step, or adding to the panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { plainLabel } from '../common/plainText';
import { showError, showInfo } from './messages';
import { MAX_IMAGES } from '../api/model';
import { SelectionOrder } from '../common/selectionOrder';
import { ACCEPTED_FORMATS_TEXT, IMAGE_FILE_EXTENSIONS } from '../imaging/formats';
import type { InputRef } from '../jobs/inputChecks';

/** Every format fitting reads, in either case (the search may be case-sensitive). */
const IMAGE_GLOB = `**/*.{${[...IMAGE_FILE_EXTENSIONS, ...IMAGE_FILE_EXTENSIONS.map((e) => e.toUpperCase())].join(',')}}`;
const EXCLUDE_GLOB = '**/{node_modules,.git,out,dist}/**';

/** Where the picker opens: the palette wizard's first step, or adding images to the edit panel's edit. */
export type PickerPlace = 'wizard' | 'panel';

interface PickerTitles {
  sources: string;
  workspace: string;
  urls: string;
}

function titlesFor(place: PickerPlace): PickerTitles {
  return place === 'wizard'
    ? {
        sources: vscode.l10n.t('RunComfy Edit (1/3): input images'),
        workspace: vscode.l10n.t('RunComfy Edit (1/3): workspace images'),
        urls: vscode.l10n.t('RunComfy Edit (1/3): image URLs'),
      }
    : {
        sources: vscode.l10n.t('RunComfy: add images to the edit'),
        workspace: vscode.l10n.t('RunComfy: add workspace images'),
        urls: vscode.l10n.t('RunComfy: add image URLs'),
      };
}

/** Returns the chosen inputs in the order the user chose them, or undefined when they pressed Escape at any step. */
export async function pickImages(place: PickerPlace = 'panel'): Promise<InputRef[] | undefined> {
  const titles = titlesFor(place);
  type Source = vscode.QuickPickItem & { source: 'workspace' | 'browse' | 'urls' };
  const sources: Source[] = [];
  if (vscode.workspace.workspaceFolders?.length) {
    sources.push({
      label: `$(file-media) ${vscode.l10n.t('Workspace images…')}`,
      detail: vscode.l10n.t('Pick images from this workspace: {0}', ACCEPTED_FORMATS_TEXT),
      source: 'workspace',
    });
  }
  sources.push(
    { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, detail: vscode.l10n.t('Choose image files with the file dialog'), source: 'browse' },
    { label: `$(link) ${vscode.l10n.t('Image URLs…')}`, detail: vscode.l10n.t('Public https:// links the service can fetch'), source: 'urls' },
  );
  const choice = await vscode.window.showQuickPick(sources, {
    title: titles.sources,
    placeHolder: vscode.l10n.t('Where are the images? Up to {0}, JPEG or PNG', MAX_IMAGES),
    ignoreFocusOut: true,
  });
  if (!choice) return undefined;
  switch (choice.source) {
    case 'workspace':
      return pickWorkspaceImages(titles.workspace);
    case 'browse':
      return browseImages();
    case 'urls':
      return enterUrls(titles.urls);
  }
}

type ImageItem = vscode.QuickPickItem & { uri: vscode.Uri };

/**
 * A multi-select list of the workspace's images. VS Code reports a selection in list order, so the order in which
 * the user checks the images is kept here, and that is the order they are sent in (the prompt step then names them
 * "image 1", "image 2"…). The rows are never given again to show numbers: that moves the cursor under a fast typist.
 */
async function pickWorkspaceImages(title: string): Promise<InputRef[] | undefined> {
  const files = await vscode.workspace.findFiles(IMAGE_GLOB, EXCLUDE_GLOB, 2000);
  if (files.length === 0) {
    void showInfo(vscode.l10n.t('No images ({0}) were found in this workspace. Use Browse… or Image URLs… instead.', ACCEPTED_FORMATS_TEXT));
    return undefined;
  }
  const items: ImageItem[] = files
    .map((uri) => ({ label: plainLabel(path.basename(uri.fsPath)), description: plainLabel(folderDescription(uri)), uri }))
    .sort((a, b) => a.description.localeCompare(b.description) || a.label.localeCompare(b.label));
  const qp = vscode.window.createQuickPick<ImageItem>();
  qp.title = title;
  qp.placeholder = vscode.l10n.t('Check up to {0} images, in the order to send them', MAX_IMAGES);
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  qp.items = items;
  const order = new SelectionOrder<ImageItem>();
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: InputRef[] | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      qp.dispose();
    };
    qp.onDidChangeSelection((selected) => {
      order.update(selected);
      qp.placeholder =
        selected.length > MAX_IMAGES
          ? `$(error) ${tn(selected.length, '{0} selected; at most {1} can be sent|{0} selected; at most {1} can be sent', MAX_IMAGES)}`
          : tn(selected.length, '{0} selected, sent in the order checked; Enter to go on|{0} selected, sent in the order checked; Enter to go on');
    });
    qp.onDidAccept(() => {
      order.update(qp.selectedItems);
      if (order.items.length === 0 || order.items.length > MAX_IMAGES) return;
      finish(order.items.map((item) => ({ kind: 'file', path: item.uri.fsPath })));
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** The image's folder relative to the workspace ('' at a folder's root; the folder's name leads in a multi-root workspace). */
function folderDescription(uri: vscode.Uri): string {
  const dir = path.posix.dirname(vscode.workspace.asRelativePath(uri));
  return dir === '.' ? '' : dir;
}

async function browseImages(): Promise<InputRef[] | undefined> {
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Use for RunComfy edit'),
    filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!uris || uris.length === 0) return undefined;
  if (uris.length > MAX_IMAGES) {
    void showError(tn(uris.length, '{0} image was chosen; at most {1} can be sent in one edit.|{0} images were chosen; at most {1} can be sent in one edit.', MAX_IMAGES));
    return undefined;
  }
  return uris.map((u) => ({ kind: 'file', path: u.fsPath }));
}

export function urlProblem(text: string): string | undefined {
  const urls = splitUrls(text);
  if (urls.length === 0) return vscode.l10n.t('Paste one or more public https:// image URLs, separated by spaces or commas.');
  if (urls.length > MAX_IMAGES) return tn(urls.length, '{0} URL; at most {1} images can be sent.|{0} URLs; at most {1} images can be sent.', MAX_IMAGES);
  const bad = urls.find((u) => !/^https:\/\/[^\s/]+\/?/i.test(u) && !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//i.test(u));
  return bad ? vscode.l10n.t('"{0}" is not an https:// URL. RunComfy fetches images itself, so they must be public https links.', bad) : undefined;
}

export function splitUrls(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

async function enterUrls(title: string): Promise<InputRef[] | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Public https:// image URLs (JPEG or PNG), separated by spaces or commas; up to {0}', MAX_IMAGES),
    placeHolder: 'https://example.com/photo.jpg https://example.com/style.png',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? urlProblem(v) : undefined),
  });
  if (!text || urlProblem(text)) return undefined;
  return splitUrls(text).map((url) => ({ kind: 'url', url }));
}
