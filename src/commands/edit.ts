// runcomfy.edit: from the Explorer (selected images), the palette (pickers), or scripts (an argument object, no UI).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { showError, showInfo, showWarning } from '../ui/messages';
import { MAX_IMAGES } from '../api/model';
import type { FitSettings } from '../imaging/fitTypes';
import { isImageFileName } from '../imaging/formats';
import { fitSummaryText } from '../imaging/fitSummary';
import type { PreparedInput } from '../jobs/inputs';
import type { InputRef } from '../jobs/inputChecks';
import { hasRequestId } from '../jobs/job';
import type { Outcome } from '../jobs/rules';
import { defaultOptions, fitSettings, outputFolderFor } from '../platform/config';
import { confirmRepeat } from '../ui/confirmRepeat';
import { askPrompt, inputLabel, pickOptions, type SentInput } from '../ui/editOptionsPicker';
import { pickImages } from '../ui/imagePicker';
import type { CommandContext } from './context';
import { errorKind, modelPrice, parseEditRequest, scopeOf, submitEditRequest } from './editFlow';

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
  if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) return second;
  if (first instanceof vscode.Uri) return [first];
  return undefined;
}

/** The automation API: validates, submits without any UI and returns { requestId } or, with wait, the final outcome. */
async function scriptedEdit(ctx: CommandContext, raw: object): Promise<EditResult> {
  const { services } = ctx;
  const parsed = parseEditRequest(services, raw);
  const submitted = await submitEditRequest(services, parsed);
  if (submitted.kind === 'unknown') {
    // A caller that waits for the outcome gets this one as an outcome too: the job is kept, never resent.
    if (parsed.wait) return submitted.outcome;
    throw new Error(submitted.outcome.error);
  }
  if (!parsed.wait) return { requestId: submitted.job.requestId };
  return services.jobs.waitForOutcome(submitted.job.id);
}

async function interactiveEdit(ctx: CommandContext, selection: vscode.Uri[] | undefined): Promise<EditResult | undefined> {
  const { services } = ctx;
  let refs: InputRef[] | undefined;
  if (selection) {
    const notImages = selection.filter((u) => !isImageFileName(u.path));
    if (notImages.length > 0) {
      const names = notImages.map((u) => path.basename(u.fsPath)).join(', ');
      void showError(
        notImages.length === 1
          ? vscode.l10n.t('Only images can be edited (PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC); {0} is not one.', names)
          : vscode.l10n.t('Only images can be edited (PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC); {0} are not.', names),
      );
      return undefined;
    }
    if (selection.length > MAX_IMAGES) {
      void showError(tn(selection.length, '{0} image is selected; at most {1} can be sent in one edit. Select fewer and try again.|{0} images are selected; at most {1} can be sent in one edit. Select fewer and try again.', MAX_IMAGES));
      return undefined;
    }
    refs = selection.map((u) => ({ kind: 'file', path: u.fsPath }));
  }

  if (!(await services.requireToken())) return undefined;
  refs ??= await pickImages('wizard');
  if (!refs) return undefined;

  const { jobs } = services;
  let prepared;
  let fit: FitSettings = fitSettings(scopeOf(refs));
  try {
    // Checked before the prompt is asked for, so a broken image is known before any typing (and any money).
    prepared = await jobs.prepare(refs, undefined, fit);
  } catch (e) {
    const choice = jobs.isAspectChoiceError(e) ? await askPadOrCrop(jobs.userMessageOf(e)) : undefined;
    if (!choice) {
      if (!jobs.isAspectChoiceError(e)) void showRefused(jobs.userMessageOf(e), refs);
      return undefined;
    }
    fit = { ...fit, mode: choice };
    try {
      prepared = await jobs.prepare(refs, undefined, fit);
    } catch (again) {
      void showError(jobs.userMessageOf(again));
      return undefined;
    }
  }

  const prompt = await askPrompt(ctx.extension.workspaceState.get<string>(LAST_PROMPT_KEY), refs.map(inputLabel));
  if (prompt === undefined) return undefined;
  const scope = scopeOf(refs);
  const price = await modelPrice(services);
  const options = await pickOptions(defaultOptions(scope), price, undefined, sentInputs(prepared));
  if (!options) return undefined;
  await ctx.extension.workspaceState.update(LAST_PROMPT_KEY, prompt);

  const chosenRefs = refs;
  try {
    const submission = { refs: chosenRefs, prompt, options, fit, ...outputFolderFor(scope) };
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

/** What each local image is sent as, for the options menu (web addresses go as they are, fetched by RunComfy). */
function sentInputs(prepared: readonly PreparedInput[]): SentInput[] {
  return prepared.flatMap((p) => (p.fit ? [{ label: p.label, summary: fitSummaryText(p.fit) }] : []));
}

/** An image outside 1:3–3:1 can still be sent, extended to 3:1 (pad) or cut to it (crop); the user chooses. */
async function askPadOrCrop(message: string): Promise<'pad' | 'crop' | undefined> {
  const pad = vscode.l10n.t('Pad');
  const crop = vscode.l10n.t('Crop');
  const choice = await showWarning(
    message,
    { modal: true, detail: vscode.l10n.t('Pad extends the canvas with neutral grey to 3:1; Crop keeps the centre. The file itself is not changed.') },
    pad,
    crop,
  );
  return choice === pad ? 'pad' : choice === crop ? 'crop' : undefined;
}

function withSubmitProgress<T>(work: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RunComfy: submitting the edit…'), cancellable: false }, work);
}

/**
 * Why the images cannot be sent. With workspace files, "Open in Edit Panel" puts them there, each with its own
 * problem, to change the selection without starting over; having a button also keeps the toast expanded, so the
 * reason is read in full.
 */
async function showRefused(message: string, refs: readonly InputRef[]): Promise<void> {
  const files = refs.flatMap((ref) => (ref.kind === 'file' ? [vscode.Uri.file(ref.path)] : []));
  if (files.length === 0) {
    void showError(message);
    return;
  }
  const openPanel = vscode.l10n.t('Open in Edit Panel');
  if ((await showError(message, openPanel)) === openPanel) {
    await vscode.commands.executeCommand('runcomfy.openPanel', files[0], files);
  }
}
