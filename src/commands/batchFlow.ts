// The steps of a batch without UI, shared by `runcomfy.editBatch` with an argument object and its interactive flow.
import * as vscode from 'vscode';
import type { EditOptions } from '../api/model';
import { type BatchRecord, itemOutcome } from '../batch/batch';
import type { BatchProblem } from '../batch/batchService';
import { type BatchSources, expandSources, labelOf, newBatchFolder, relativeSource } from '../batch/sources';
import { parsePrice } from '../common/wording';
import type { FitSettings } from '../imaging/fitTypes';
import type { InputRef } from '../jobs/inputChecks';
import type { Outcome } from '../jobs/rules';
import { outputFolderFor } from '../platform/config';
import type { Services } from '../platform/services';
import { EditRefused } from './editFlow';
import { plainText } from '../common/plainText';

export interface BatchPlan {
  origin: 'interactive' | 'scripted';
  sources: BatchSources;
  references: InputRef[];
  prompt: string;
  options: Required<EditOptions>;
  fit: FitSettings;
  concurrency: number;
  unitPrice?: number;
}

export interface BatchItemAnswer {
  /** The source image's absolute path. */
  image: string;
  /** Absent when nothing reached RunComfy (not sent, or the submit's answer was lost). */
  requestId?: string;
  status: Outcome;
  files: string[];
  error?: string;
}

/** A stand-in file at the batch root, so settings and `${fileDirname}` resolve for the root itself. */
export function rootScope(root: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.file(root), 'batch');
}

/** Files and folders expanded to the images they hold; the output folder is never searched. */
export async function resolveSources(paths: readonly string[]): Promise<BatchSources> {
  const first = paths[0];
  const exclude = [outputFolderFor(vscode.Uri.file(first)).outputDir, outputFolderFor(rootScope(first)).outputDir];
  try {
    return await expandSources(paths, exclude);
  } catch (e) {
    throw new EditRefused(e instanceof Error ? e.message : String(e), 'input');
  }
}

/** The model's price per output image, when its metadata says so in time. */
export async function unitPrice(services: Services, timeoutMs = 1500): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
  try {
    const model = await Promise.race([services.jobs.model().catch(() => undefined), timeout]);
    return model ? parsePrice(model.base_price_usd) : undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The sources that cannot be sent, one line each (at most `max`), with outside text made inert. */
export function problemLines(problems: readonly BatchProblem[], root: string, max = 12): string {
  const lines = problems.slice(0, max).map((p) => `• ${plainText(relativeSource(root, p.source))}: ${plainText(p.message)}`);
  if (problems.length > max) lines.push(vscode.l10n.t('…and {0} more.', problems.length - max));
  return lines.join('\n');
}

/** Creates the batch's own folder and starts it: from here on items are sent as slots free up. */
export async function startPlannedBatch(services: Services, plan: BatchPlan): Promise<BatchRecord> {
  const { root, files } = plan.sources;
  const label = labelOf(root);
  const place = outputFolderFor(rootScope(root));
  // Before the batch's folder is made: results may not go through a link to somewhere outside the workspace.
  const problem = await services.jobs.outputFolderProblem(place);
  if (problem) throw new EditRefused(problem, 'input');
  const folder = await newBatchFolder(place.outputDir, label, new Date());
  return services.jobs.startBatch({
    origin: plan.origin,
    prompt: plan.prompt,
    options: plan.options,
    fit: plan.fit,
    references: plan.references,
    root,
    folder,
    ...(place.outputRoot !== undefined ? { outputRoot: place.outputRoot } : {}),
    label,
    concurrency: plan.concurrency,
    ...(plan.unitPrice !== undefined ? { unitPrice: plan.unitPrice } : {}),
    items: files.map((source) => ({ source, relative: relativeSource(root, source) })),
  });
}

/** What a waiting caller gets: every item with the same statuses as `runcomfy.edit`. */
export function batchAnswer(batch: BatchRecord): { batchId: string; items: BatchItemAnswer[] } {
  return {
    batchId: batch.id,
    items: batch.items.map((item) => ({
      image: item.source,
      ...(item.requestId ? { requestId: item.requestId } : {}),
      status: itemOutcome(item) ?? 'stalled',
      files: item.files ?? [],
      ...(item.error ? { error: item.error } : {}),
    })),
  };
}
