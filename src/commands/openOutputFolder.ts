// runcomfy.openOutputFolder: reveals where results are saved, creating the folder if it does not exist yet.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { outputFolderFor } from '../platform/config';
import { showError } from '../ui/messages';
import { revealUri } from './resultActions';
import type { CommandContext } from './context';

export function openOutputFolderCommand(ctx: CommandContext) {
  return async (): Promise<string | undefined> => {
    const active = vscode.window.activeTextEditor?.document.uri ?? vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const scope = active instanceof vscode.Uri && active.scheme === 'file' ? active : undefined;
    const place = outputFolderFor(scope);
    // The same rule as for saving: a folder that leads out of the workspace is not created, nor shown as ours.
    const problem = await ctx.services.jobs.outputFolderProblem(place);
    if (problem) {
      void showError(problem);
      return undefined;
    }
    await fs.promises.mkdir(place.outputDir, { recursive: true });
    await revealUri(vscode.Uri.file(place.outputDir));
    return place.outputDir;
  };
}
