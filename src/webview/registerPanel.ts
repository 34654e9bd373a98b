// runcomfy.openPanel and the serializer that brings the panel back after a window reload.
import * as vscode from 'vscode';
import type { Contributions } from '../activation/contributions';
import { isImageFileName } from '../imaging/formats';
import type { Services } from '../platform/services';
import type { PanelState } from '../protocol/messages';
import { PanelController, panelResourceRoots } from './panelController';

export const PANEL_VIEW_TYPE = 'runcomfy.panel';

/**
 * The panel starts with the resource roots its pages need (its icon font, the workspace's folders); a folder outside
 * them is added by the controller. Starting with none would make that first addition a change of options, which VS
 * Code answers by loading the (still empty) page once more before the real one.
 */
function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: false, localResourceRoots: panelResourceRoots(extensionUri) };
}

function selectedImages(first: unknown, second: unknown): vscode.Uri[] {
  if (Array.isArray(second) && second.every((u) => u instanceof vscode.Uri)) return second;
  if (first instanceof vscode.Uri) return [first];
  // From the palette: the image open in the active editor, if any, is the natural first input.
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && isImageFileName(input.uri.path)) return [input.uri];
  return [];
}

/** The image an editor-title button or tab menu was used on, or the image shown in the active image preview. */
function imageInPreview(first: unknown): vscode.Uri[] {
  if (first instanceof vscode.Uri) return isImageFileName(first.path) ? [first] : [];
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && isImageFileName(input.uri.path) ? [input.uri] : [];
}

export function registerPanel(context: vscode.ExtensionContext, services: Services, contributions: Contributions): vscode.Disposable {
  let controller: PanelController | undefined;

  const adopt = (panel: vscode.WebviewPanel, images: vscode.Uri[], view?: PanelState['view']) => {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    const created = new PanelController(panel, context, services, images, view);
    controller = created;
    panel.onDidDispose(() => {
      if (controller === created) controller = undefined;
    });
    return created;
  };

  const open = async (first?: unknown, second?: unknown): Promise<{ readyMs: number }> => {
    const started = Date.now();
    const images = selectedImages(first, second);
    if (controller) {
      controller.panel.reveal();
      if (images.length > 0) controller.addFiles(images);
    } else {
      const panel = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        vscode.l10n.t('RunComfy Edit'),
        vscode.ViewColumn.Active,
        panelOptions(context.extensionUri),
      );
      adopt(panel, images);
    }
    const current = controller!;
    await Promise.race([current.whenReady(), new Promise((r) => setTimeout(r, 15_000))]);
    const readyMs = Date.now() - started;
    services.logger.info(`[panel] painted ${readyMs} ms after the command`);
    return { readyMs };
  };

  return vscode.Disposable.from(
    contributions.registerCommand('runcomfy.openPanel', open),
    // "Edit with Dreamina…" on an image preview: the panel with that image as an input.
    contributions.registerCommand('runcomfy.editImageInPanel', (first?: unknown) => open(undefined, imageInPreview(first))),
    contributions.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const view = (state as { view?: PanelState['view'] } | undefined)?.view;
        panel.webview.options = panelOptions(context.extensionUri);
        adopt(panel, [], view);
        return Promise.resolve();
      },
    }),
    new vscode.Disposable(() => controller?.dispose()),
  );
}
