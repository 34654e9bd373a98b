// runcomfy.openOutputFolder: reveals where results are saved, creating the folder if it does not exist yet.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { outputFolderFor } from '../platform/config';
import { revealUri } from './resultActions';
import { CommandContext } from './context';

export function openOutputFolderCommand(_ctx: CommandContext) {
  return async (): Promise<string> => {
    const active = vscode.window.activeTextEditor?.document.uri ?? vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const scope = active instanceof vscode.Uri && active.scheme === 'file' ? active : undefined;
    const folder = outputFolderFor(scope);
    await fs.promises.mkdir(folder, { recursive: true });
    await revealUri(vscode.Uri.file(folder));
    return folder;
  };
}
