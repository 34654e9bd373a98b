// The command table: every contributed command id and its handler, registered in one place.
import * as vscode from 'vscode';
import type { Contributions } from '../activation/contributions';
import { clearApiTokenCommand, setApiTokenCommand } from './apiToken';
import { cancelBatchCommand, pauseBatchCommand, resumeBatchCommand } from './batchControl';
import { cancelCommand } from './cancel';
import type { CommandContext, CommandHandler } from './context';
import { editCommand } from './edit';
import { editBatchCommand } from './editBatch';
import { openOutputFolderCommand } from './openOutputFolder';
import { copyRequestIdCommand, openResultCommand, retryDownloadCommand, revealResultCommand } from './resultActions';
import { resumeCommand } from './resume';
import { showJobsCommand } from './showJobs';
import { showLogCommand } from './showLog';

export const COMMANDS: Record<string, (ctx: CommandContext) => CommandHandler> = {
  'runcomfy.edit': editCommand,
  'runcomfy.editBatch': editBatchCommand,
  'runcomfy.pauseBatch': pauseBatchCommand,
  'runcomfy.resumeBatch': resumeBatchCommand,
  'runcomfy.cancelBatch': cancelBatchCommand,
  'runcomfy.showJobs': showJobsCommand,
  'runcomfy.cancel': cancelCommand,
  'runcomfy.resume': resumeCommand,
  'runcomfy.setApiToken': setApiTokenCommand,
  'runcomfy.clearApiToken': clearApiTokenCommand,
  'runcomfy.showLog': showLogCommand,
  'runcomfy.openOutputFolder': openOutputFolderCommand,
  'runcomfy.openResult': openResultCommand,
  'runcomfy.revealResult': revealResultCommand,
  'runcomfy.retryDownload': retryDownloadCommand,
  'runcomfy.copyRequestId': copyRequestIdCommand,
};

export function registerCommands(ctx: CommandContext, contributions: Contributions): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(COMMANDS).map(([id, make]) => contributions.registerCommand(id, make(ctx))));
}
