// runcomfy.edit: from the Explorer (selected images), the palette (pickers), or scripts (an argument object, no UI).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showError, showInfo } from '../ui/messages';
import { MAX_IMAGES } from '../api/model';
import { modelPriceText } from '../common/wording';
import type { InputRef } from '../jobs/inputChecks';
import { hasRequestId, type Job } from '../jobs/job';
import type { Outcome } from '../jobs/rules';
import { defaultOptions, outputFolderFor } from '../platform/config';
import { confirmRepeat } from '../ui/confirmRepeat';
import { askPrompt, pickOptions } from '../ui/editOptionsPicker';
import { pickImages } from '../ui/imagePicker';
import { CommandContext } from './context';

const IMAGE_EXT = /\.(png|jpe?g)$/i;
const LAST_PROMPT_KEY = 'runcomfy.lastPrompt';

export interface EditResult {
  /** Absent only for `submissionUnknown`: RunComfy's answer (and with it the request_id) never arrived. */
  requestId?: string;
  /** With `wait: true`: how it ended (see the README's automation section). */
  status?: Outcome;
  files?: string[];
  error?: string;
}

export function editCommand(ctx: CommandContext) {
  return async (first?: unknown, second?: unknown): Promise<EditResult | undefined> => {
    if (first && typeof first === 'object' && !(first instanceof vscode.Uri) && !Array.isArray(first)) {
      return scriptedEdit(ctx, first);
    }
    return interactiveEdit(ctx, explorerSelection(first, second));
  };
}

function explorerSelection(first: unknown, second: unknown): vscode.Uri[] | undefined {
  if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) return second as vscode.Uri[];
  if (first instanceof vscode.Uri) return [first];
  return undefined;
}

function firstFileUri(refs: readonly InputRef[]): vscode.Uri | undefined {
  const file = refs.find((r) => r.kind === 'file');
  return file && file.kind === 'file' ? vscode.Uri.file(file.path) : undefined;
}

/** The automation API: validates, submits without any UI and returns { requestId } or, with wait, the final outcome. */
async function scriptedEdit(ctx: CommandContext, raw: object): Promise<EditResult> {
  const { services } = ctx;
  const { jobs } = services;
  let parsed;
  try {
    parsed = jobs.parseEditArgs(raw, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  } catch (e) {
    throw new Error(jobs.userMessageOf(e));
  }
  if (!(await services.tokens.get())) {
    throw new Error(vscode.l10n.t('No RunComfy API token is set. Run "RunComfy: Set API Token" or set the RUNCOMFY_API_TOKEN environment variable.'));
  }
  const scope = firstFileUri(parsed.refs);
  let job: Job;
  try {
    job = await jobs.submitEdit({
      refs: parsed.refs,
      prompt: parsed.prompt,
      options: { ...defaultOptions(scope), ...parsed.options },
      ...outputFolderFor(scope),
    });
  } catch (e) {
    services.logger.warn(`scripted edit refused: ${jobs.userMessageOf(e)}`);
    // A caller that waits for the outcome gets this one as an outcome too: the job is kept, never resent.
    if (parsed.wait && errorKind(e) === 'submissionUnknown') return { status: 'submissionUnknown', files: [], error: jobs.userMessageOf(e) };
    throw new Error(jobs.userMessageOf(e));
  }
  if (!hasRequestId(job)) throw new Error(vscode.l10n.t('RunComfy did not return a request_id.'));
  if (!parsed.wait) return { requestId: job.requestId };
  return jobs.waitForOutcome(job.id);
}

async function interactiveEdit(ctx: CommandContext, selection: vscode.Uri[] | undefined): Promise<EditResult | undefined> {
  const { services } = ctx;
  let refs: InputRef[] | undefined;
  if (selection) {
    const notImages = selection.filter((u) => !IMAGE_EXT.test(u.path));
    if (notImages.length > 0) {
      const names = notImages.map((u) => path.basename(u.fsPath)).join(', ');
      void showError(
        notImages.length === 1
          ? vscode.l10n.t('Only PNG and JPEG images can be edited; {0} is not.', names)
          : vscode.l10n.t('Only PNG and JPEG images can be edited; {0} are not.', names),
      );
      return undefined;
    }
    if (selection.length > MAX_IMAGES) {
      void showError(vscode.l10n.t('{0} images are selected; at most {1} can be sent in one edit. Select fewer and try again.', selection.length, MAX_IMAGES));
      return undefined;
    }
    refs = selection.map((u) => ({ kind: 'file', path: u.fsPath }));
  }

  if (!(await services.requireToken())) return undefined;
  refs ??= await pickImages();
  if (!refs) return undefined;

  const { jobs } = services;
  let prepared;
  try {
    // Checked before the prompt is asked for, so a broken image is known before any typing (and any money).
    prepared = await jobs.prepare(refs);
  } catch (e) {
    void showError(jobs.userMessageOf(e));
    return undefined;
  }

  const prompt = await askPrompt(ctx.extension.workspaceState.get<string>(LAST_PROMPT_KEY), refs.length);
  if (prompt === undefined) return undefined;
  const scope = firstFileUri(refs);
  const price = await priceText(ctx);
  const options = await pickOptions(defaultOptions(scope), price);
  if (!options) return undefined;
  await ctx.extension.workspaceState.update(LAST_PROMPT_KEY, prompt);

  const chosenRefs = refs;
  try {
    const submission = { refs: chosenRefs, prompt, options, ...outputFolderFor(scope) };
    // Asked (if at all) before the progress notification, which would otherwise sit behind the question.
    const submitted = await jobs.submitInteractive(submission, confirmRepeat, { prepared, progress: (work) => withSubmitProgress(work) });
    if (!submitted || !hasRequestId(submitted)) return undefined;
    const job = submitted;
    const showJobs = vscode.l10n.t('Show Jobs');
    const openPanel = vscode.l10n.t('Open Panel');
    const copyId = vscode.l10n.t('Copy Request ID');
    void showInfo(
      vscode.l10n.t('RunComfy: edit submitted (request {0}). Results are saved to {1} when ready.', job.requestId, vscode.workspace.asRelativePath(job.outputDir)),
      showJobs,
      openPanel,
      copyId,
    ).then((choice) => {
      if (choice === showJobs) void vscode.commands.executeCommand('runcomfy.showJobs');
      if (choice === openPanel) void vscode.commands.executeCommand('runcomfy.openPanel');
      if (choice === copyId) void vscode.env.clipboard.writeText(job.requestId);
    });
    return { requestId: job.requestId };
  } catch (e) {
    // A submission of unknown fate is kept as a job and announced with what to do about it (see notifications).
    if (errorKind(e) === 'submissionUnknown') return undefined;
    const showLog = vscode.l10n.t('Show Log');
    const choice = await showError(jobs.userMessageOf(e), showLog);
    if (choice === showLog) services.channel.show();
    return undefined;
  }
}

function withSubmitProgress<T>(work: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RunComfy: submitting the edit…'), cancellable: false }, work);
}

/** "$0.03 per image", when the model metadata says; never blocks the flow for long. */
async function priceText(ctx: CommandContext): Promise<string | undefined> {
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500));
  const model = await Promise.race([ctx.services.jobs.model().catch(() => undefined), timeout]);
  return model ? modelPriceText(model.base_price_usd, model.price_unit) : undefined;
}

function errorKind(e: unknown): string | undefined {
  // Classes are not shared across the two bundles, so errors are told apart by their kind.
  return (e as { kind?: unknown } | undefined)?.kind as string | undefined;
}
