// runcomfy.edit: from the Explorer (selected images), the palette (pickers), or scripts (an argument object, no UI).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_IMAGES } from '../api/model';
import type { InputRef } from '../jobs/inputs';
import type { JobRecord } from '../jobs/job';
import { defaultOptions, outputFolderFor } from '../platform/config';
import { askPrompt, pickOptions } from '../ui/editOptionsPicker';
import { pickImages } from '../ui/imagePicker';
import { CommandContext } from './context';

const IMAGE_EXT = /\.(png|jpe?g)$/i;
const LAST_PROMPT_KEY = 'runcomfy.lastPrompt';

export interface EditResult {
  requestId: string;
  status?: string;
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
  const helpers = services.helpers();
  let parsed;
  try {
    parsed = helpers.parseEditArgs(raw, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  } catch (e) {
    throw new Error(helpers.userMessageOf(e));
  }
  if (!(await services.tokens.get())) {
    throw new Error(vscode.l10n.t('No RunComfy API token is set. Run "RunComfy: Set API Token" or set the RUNCOMFY_API_TOKEN environment variable.'));
  }
  const runtime = await services.runtime();
  const scope = firstFileUri(parsed.refs);
  let job: JobRecord;
  try {
    job = await runtime.submitEdit({
      refs: parsed.refs,
      prompt: parsed.prompt,
      options: { ...defaultOptions(scope), ...parsed.options },
      outputDir: outputFolderFor(scope),
    });
  } catch (e) {
    services.logger.warn(`scripted edit refused: ${helpers.userMessageOf(e)}`);
    throw new Error(helpers.userMessageOf(e));
  }
  if (!parsed.wait) return { requestId: job.requestId! };
  const settled = await runtime.engine.waitForSettled(job.id);
  return {
    requestId: settled.requestId!,
    status: settled.state,
    files: settled.download.files.map((f) => f.path),
    ...(settled.error || settled.download.error ? { error: settled.error ?? settled.download.error } : {}),
  };
}

async function interactiveEdit(ctx: CommandContext, selection: vscode.Uri[] | undefined): Promise<EditResult | undefined> {
  const { services } = ctx;
  let refs: InputRef[] | undefined;
  if (selection) {
    const notImages = selection.filter((u) => !IMAGE_EXT.test(u.path));
    if (notImages.length > 0) {
      const names = notImages.map((u) => path.basename(u.fsPath)).join(', ');
      void vscode.window.showErrorMessage(
        notImages.length === 1
          ? vscode.l10n.t('Only PNG and JPEG images can be edited; {0} is not.', names)
          : vscode.l10n.t('Only PNG and JPEG images can be edited; {0} are not.', names),
      );
      return undefined;
    }
    if (selection.length > MAX_IMAGES) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} images are selected; at most {1} can be sent in one edit. Select fewer and try again.', selection.length, MAX_IMAGES));
      return undefined;
    }
    refs = selection.map((u) => ({ kind: 'file', path: u.fsPath }));
  }

  if (!(await services.requireToken())) return undefined;
  refs ??= await pickImages('wizard');
  if (!refs) return undefined;

  const runtime = await services.runtime();
  const helpers = services.helpers();
  let prepared;
  try {
    // Checked before the prompt is asked for, so a broken image is known before any typing (and any money).
    prepared = await runtime.prepare(refs);
  } catch (e) {
    void showRefused(helpers.userMessageOf(e), refs);
    return undefined;
  }

  const prompt = await askPrompt(ctx.extension.workspaceState.get<string>(LAST_PROMPT_KEY), refs);
  if (prompt === undefined) return undefined;
  const scope = firstFileUri(refs);
  const price = await priceText(ctx);
  const options = await pickOptions(defaultOptions(scope), price);
  if (!options) return undefined;
  await ctx.extension.workspaceState.update(LAST_PROMPT_KEY, prompt);

  const chosenRefs = refs;
  try {
    const job = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RunComfy: submitting the edit…'), cancellable: false },
      () => runtime.submitEdit({ refs: chosenRefs, prompt, options, outputDir: outputFolderFor(scope) }, undefined, prepared),
    );
    const showJobs = vscode.l10n.t('Show Jobs');
    const openPanel = vscode.l10n.t('Open Panel');
    const copyId = vscode.l10n.t('Copy Request ID');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('RunComfy: edit submitted (request {0}). Results are saved to {1} when ready.', job.requestId!, vscode.workspace.asRelativePath(job.outputDir)),
        showJobs,
        openPanel,
        copyId,
      )
      .then((choice) => {
        if (choice === showJobs) void vscode.commands.executeCommand('runcomfy.showJobs');
        if (choice === openPanel) void vscode.commands.executeCommand('runcomfy.openPanel');
        if (choice === copyId) void vscode.env.clipboard.writeText(job.requestId!);
      });
    return { requestId: job.requestId! };
  } catch (e) {
    const showLog = vscode.l10n.t('Show Log');
    const choice = await vscode.window.showErrorMessage(helpers.userMessageOf(e), showLog);
    if (choice === showLog) services.channel.show();
    return undefined;
  }
}

/**
 * Why the images cannot be sent. With workspace files, "Open in Edit Panel" puts them there, each with its own
 * problem, to change the selection without starting over; having a button also keeps the toast expanded, so the
 * reason is read in full.
 */
async function showRefused(message: string, refs: readonly InputRef[]): Promise<void> {
  const files = refs.flatMap((ref) => (ref.kind === 'file' ? [vscode.Uri.file(ref.path)] : []));
  if (files.length === 0) {
    void vscode.window.showErrorMessage(message);
    return;
  }
  const openPanel = vscode.l10n.t('Open in Edit Panel');
  if ((await vscode.window.showErrorMessage(message, openPanel)) === openPanel) {
    await vscode.commands.executeCommand('runcomfy.openPanel', files[0], files);
  }
}

/** "$0.03 per image", when the model metadata says; never blocks the flow for long. */
async function priceText(ctx: CommandContext): Promise<string | undefined> {
  const runtime = ctx.services.current;
  if (!runtime) return undefined;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500));
  const model = await Promise.race([runtime.model().catch(() => undefined), timeout]);
  const price = model?.base_price_usd;
  if (price === undefined || price === null) return undefined;
  return `$${price}${model?.price_unit ? ` ${model.price_unit}` : ''}`;
}
