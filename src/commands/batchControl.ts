// runcomfy.pauseBatch, runcomfy.resumeBatch, runcomfy.cancelBatch: by batch id (scripts) or by picking one of the batches under way.
import * as vscode from 'vscode';
import type { BatchRecord, BatchState } from '../batch/batch';
import { countsText } from '../ui/batchProgress';
import type { CommandContext } from './context';
import { plainLabel } from '../common/plainText';
import { showInfo } from '../ui/messages';

type Action = 'pause' | 'resume' | 'cancel';

const ACCEPTS: Record<Action, BatchState[]> = { pause: ['running'], resume: ['paused'], cancel: ['running', 'paused'] };

export function pauseBatchCommand(ctx: CommandContext) {
  return (id?: unknown) => control(ctx, 'pause', id);
}

export function resumeBatchCommand(ctx: CommandContext) {
  return (id?: unknown) => control(ctx, 'resume', id);
}

export function cancelBatchCommand(ctx: CommandContext) {
  return (id?: unknown) => control(ctx, 'cancel', id);
}

async function control(ctx: CommandContext, action: Action, id: unknown): Promise<boolean> {
  const { jobs } = ctx.services;
  await jobs.ready();
  let batch: BatchRecord | undefined;
  if (typeof id === 'string') {
    batch = jobs.batch(id);
    if (!batch) throw new Error(vscode.l10n.t('No batch with id {0} is known.', id));
  } else {
    batch = await pick(jobs.batches().filter((b) => ACCEPTS[action].includes(b.state)));
    if (!batch) return false;
  }
  if (!ACCEPTS[action].includes(batch.state)) return false;
  if (action === 'pause') await jobs.pauseBatch(batch.id);
  if (action === 'resume') await jobs.resumeBatch(batch.id);
  if (action === 'cancel') await jobs.cancelBatch(batch.id);
  return true;
}

async function pick(batches: BatchRecord[]): Promise<BatchRecord | undefined> {
  if (batches.length === 0) {
    void showInfo(vscode.l10n.t('No batch is under way.'));
    return undefined;
  }
  if (batches.length === 1) return batches[0];
  const chosen = await vscode.window.showQuickPick(
    batches.map((b) => ({ label: plainLabel(b.label), description: countsText(b), detail: plainLabel(b.prompt), batch: b })),
    { title: vscode.l10n.t('RunComfy: which batch?') },
  );
  return chosen?.batch;
}
