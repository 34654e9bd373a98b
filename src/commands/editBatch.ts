// runcomfy.editBatch: one prompt over many images, from the Explorer (a folder or selected images), the palette, or scripts (no UI).
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import type { BatchCheck } from '../batch/batchService';
import { modelPriceText } from '../common/wording';
import type { BatchSources } from '../batch/sources';
import type { FitSettings } from '../imaging/fitTypes';
import type { InputRef } from '../jobs/inputChecks';
import { batchConcurrency, defaultOptions, fitSettings, outputFolderFor } from '../platform/config';
import { askAboutProblems, confirmBatch, pickBatchSources, pickReferences } from '../ui/batchPickers';
import { askPrompt, inputLabel, pickOptions } from '../ui/editOptionsPicker';
import { batchAnswer, type BatchItemAnswer, type BatchPlan, problemLines, resolveSources, rootScope, startPlannedBatch, unitPrice } from './batchFlow';
import type { CommandContext } from './context';
import { EditRefused, workspaceFolderPaths } from './editFlow';
import { plainText } from '../common/plainText';
import { showError } from '../ui/messages';

const LAST_PROMPT_KEY = 'runcomfy.lastBatchPrompt';

export type BatchResult = { batchId: string; count: number } | { batchId: string; items: BatchItemAnswer[] };

export function editBatchCommand(ctx: CommandContext) {
  return async (first?: unknown, second?: unknown): Promise<BatchResult | undefined> => {
    if (first && typeof first === 'object' && !(first instanceof vscode.Uri) && !Array.isArray(first)) return scriptedBatch(ctx, first);
    return interactiveBatch(ctx, explorerSelection(first, second));
  };
}

function explorerSelection(first: unknown, second: unknown): string[] | undefined {
  if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) return (second).map((u) => u.fsPath);
  if (first instanceof vscode.Uri) return [first.fsPath];
  return undefined;
}

/** The automation API: validates everything, sends nothing until every input passed, then answers at once or at the end. */
async function scriptedBatch(ctx: CommandContext, raw: object): Promise<BatchResult> {
  const { services } = ctx;
  const { jobs } = services;
  let parsed;
  try {
    parsed = jobs.parseBatchArgs(raw, workspaceFolderPaths());
  } catch (e) {
    throw new EditRefused(jobs.userMessageOf(e), 'input');
  }
  const sources = await resolveSources(parsed.images);
  if (!(await services.tokens.get())) {
    throw new EditRefused(
      vscode.l10n.t('No RunComfy API token is set. Run "RunComfy: Set API Token" or set the RUNCOMFY_API_TOKEN environment variable.'),
      'token',
    );
  }
  const scope = rootScope(sources.root);
  const fit: FitSettings = { ...fitSettings(scope), ...(parsed.fit ? { mode: parsed.fit } : {}) };
  let check: BatchCheck;
  try {
    check = await jobs.checkBatch(sources.files, parsed.references, fit);
  } catch (e) {
    throw new EditRefused(jobs.userMessageOf(e), 'input');
  }
  if (check.problems.length > 0) {
    throw new EditRefused(tn(sources.files.length, '{1} of the {0} image cannot be sent; nothing was sent:\n{2}|{1} of the {0} images cannot be sent; nothing was sent:\n{2}', check.problems.length, problemLines(check.problems, sources.root)), 'input');
  }
  const batch = await startPlannedBatch(services, {
    origin: 'scripted',
    sources,
    references: parsed.references,
    prompt: parsed.prompt,
    options: { ...defaultOptions(scope), ...parsed.options },
    fit,
    concurrency: parsed.concurrency ?? batchConcurrency(scope),
    unitPrice: await unitPrice(services),
  });
  if (!parsed.wait) return { batchId: batch.id, count: batch.items.length };
  return batchAnswer(await jobs.waitForBatch(batch.id));
}

async function interactiveBatch(ctx: CommandContext, selection: string[] | undefined): Promise<BatchResult | undefined> {
  const { services } = ctx;
  const { jobs } = services;
  if (!(await services.requireToken())) return undefined;
  const paths = selection ?? (await pickBatchSources());
  if (!paths) return undefined;
  let sources: BatchSources;
  try {
    sources = await resolveSources(paths);
  } catch (e) {
    void showError(plainText(e instanceof Error ? e.message : String(e)));
    return undefined;
  }
  const references = await pickReferences();
  if (!references) return undefined;
  const scope = rootScope(sources.root);
  const checked = await checkWithChoices(ctx, sources, references, fitSettings(scope));
  if (!checked) return undefined;

  const prompt = await askPrompt(ctx.extension.workspaceState.get<string>(LAST_PROMPT_KEY), [vscode.l10n.t('each image'), ...references.map(inputLabel)], vscode.l10n.t('RunComfy Batch: prompt for every image'));
  if (prompt === undefined) return undefined;
  const price = await unitPrice(services);
  const count = checked.files.length;
  const options = await pickOptions(defaultOptions(scope), undefined, {
    title: vscode.l10n.t('RunComfy Batch: options for every image'),
    accept: vscode.l10n.t('Continue'),
    acceptDetail: price === undefined ? tn(count, '{0} job; price unknown|{0} jobs; price unknown') : tn(count, '{0} job at {1}|{0} jobs at {1}', modelPriceText(price) ?? ''),
  });
  if (!options) return undefined;
  const concurrency = batchConcurrency(scope);
  const plan: BatchPlan = { origin: 'interactive', sources: { root: sources.root, files: checked.files }, references, prompt, options, fit: checked.fit, concurrency, unitPrice: price };
  const confirmed = await confirmBatch({
    jobs: count,
    unitPrice: price,
    folder: vscode.workspace.asRelativePath(outputFolderFor(scope).outputDir),
    concurrency,
    references: references.length,
    prompt,
  });
  if (!confirmed) return undefined;
  await ctx.extension.workspaceState.update(LAST_PROMPT_KEY, prompt);
  try {
    // Its progress notification appears with its first change (see ui/batchProgress).
    const batch = await startPlannedBatch(services, plan);
    return { batchId: batch.id, count: batch.items.length };
  } catch (e) {
    void showError(plainText(jobs.userMessageOf(e)));
    return undefined;
  }
}

/**
 * Checks (and fits) every image with the references before anything else is asked, with progress; lists the ones that
 * cannot be sent and lets the user go on without them, or pad or crop the ones whose only fault is their shape.
 */
async function checkWithChoices(ctx: CommandContext, sources: BatchSources, references: InputRef[], fit: FitSettings): Promise<{ files: string[]; fit: FitSettings } | undefined> {
  const { jobs } = ctx.services;
  const ok = new Set<string>();
  const inOrder = () => sources.files.filter((f) => ok.has(f));
  let toCheck = sources.files;
  for (;;) {
    let check: BatchCheck;
    try {
      check = await withCheckProgress(toCheck, (progress, signal) => jobs.checkBatch(toCheck, references, fit, progress, signal));
    } catch (e) {
      if (!(e instanceof vscode.CancellationError)) void showError(plainText(jobs.userMessageOf(e)));
      return undefined;
    }
    for (const f of check.ok) ok.add(f);
    if (check.problems.length === 0) return { files: inOrder(), fit };
    const aspect = fit.mode === 'auto' ? check.problems.filter((p) => p.aspect) : [];
    const choice = await askAboutProblems(problemLines(check.problems, sources.root), check.problems.length, ok.size, aspect.length);
    if (!choice) return undefined;
    if (choice === 'continue') return { files: inOrder(), fit };
    // The mode applies to the whole batch, but it changes only shapes out of range: the images already checked stay as they were.
    fit = { ...fit, mode: choice };
    toCheck = aspect.map((p) => p.source);
  }
}

function withCheckProgress<T>(files: readonly string[], run: (progress: (checked: number) => void, signal: AbortSignal) => Promise<T>): Thenable<T> {
  const total = files.length;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: tn(total, 'RunComfy: checking {0} image|RunComfy: checking {0} images'), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
      let last = 0;
      try {
        return await run((checked) => {
          progress.report({ message: `${checked}/${total}`, increment: ((checked - last) / total) * 100 });
          last = checked;
        }, abort.signal);
      } catch (e) {
        if (abort.signal.aborted) throw new vscode.CancellationError();
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
}
