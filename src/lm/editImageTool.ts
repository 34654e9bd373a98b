// The chat tool `runcomfy_edit_image` (#dreamina): confirms what a paid edit sends and costs, submits it once through the jobs service, answers with the outcome.
import * as vscode from 'vscode';
import type { Contributions } from '../activation/contributions';
import { EditRefused, checkEditRequest, effectiveOptions, modelPrice, outputFolderOf, parseEditRequest, submitEditRequest } from '../commands/editFlow';
import type { ParsedEditArgs } from '../jobs/editArgs';
import type { InputRef } from '../jobs/inputChecks';
import type { PreparedInput } from '../jobs/inputs';
import { factsOf, hasOutputs, hasRequestId, type Job } from '../jobs/job';
import { outcomeFor, type EditOutcome } from '../jobs/outcome';
import { isCancellable, stateWords } from '../jobs/rules';
import { fitSummaryText } from '../imaging/fitSummary';
import type { Services } from '../platform/services';
import { showInfo, showWarning } from '../ui/messages';
import { confirmationSegments, confirmationTitle, type Segment } from './confirmation';
import { attachResultImages } from './resultImages';
import { outcomeReport, refusalReport, type Stop } from './toolReport';

export const EDIT_IMAGE_TOOL = 'runcomfy_edit_image';

/** The input package.json declares; a model may send anything, so every field is checked again here. */
export interface EditImageInput {
  images?: unknown;
  prompt?: unknown;
  size?: unknown;
  scale?: unknown;
  forceSingle?: unknown;
  fit?: unknown;
}

/** Only VS Code versions with tool progress pass this. */
interface ToolProgress {
  report(value: { message?: string }): void;
}

interface Checked {
  parsed: ParsedEditArgs;
  fit?: string;
}

export class EditImageTool implements vscode.LanguageModelTool<EditImageInput> {
  constructor(private readonly services: Services) {}

  async prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<EditImageInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.PreparedToolInvocation> {
    let checked: Checked;
    let prepared: PreparedInput[];
    const stop = new AbortController();
    const onStop = token.onCancellationRequested(() => stop.abort(new vscode.CancellationError()));
    try {
      checked = this.check(options.input);
      // The same local checks the call makes, so a call bound to fail is shown as such, before any network request.
      prepared = await checkEditRequest(this.services, checked.parsed, stop.signal);
    } catch (e) {
      if (!(e instanceof EditRefused)) throw e;
      // Still asked, so nothing ever runs unconfirmed; the answer will only be the error.
      return {
        invocationMessage: vscode.l10n.t('Checking the Dreamina edit…'),
        confirmationMessages: {
          title: vscode.l10n.t('This Dreamina edit cannot be sent'),
          message: toMarkdown([
            { text: e.message },
            { markdown: `\n\n${vscode.l10n.t('Nothing is sent or charged; continuing tells the chat what to change.')}` },
          ]),
        },
      };
    } finally {
      onStop.dispose();
    }
    const { parsed, fit } = checked;
    const chosen = effectiveOptions(parsed);
    const price = await modelPrice(this.services);
    return {
      invocationMessage: vscode.l10n.t('Editing with Dreamina…'),
      confirmationMessages: {
        title: confirmationTitle(parsed.refs.length),
        message: toMarkdown(
          confirmationSegments({
            images: parsed.refs.map(shownRef),
            sentAs: prepared.map((input) => (input.fit ? fitSummaryText(input.fit) : undefined)),
            prompt: parsed.prompt,
            size: chosen.size,
            scale: chosen.scale,
            forceSingle: chosen.forceSingle,
            fit,
            outputFolder: vscode.workspace.asRelativePath(outputFolderOf(parsed).outputDir),
            price,
          }),
        ),
      },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<EditImageInput>,
    token: vscode.CancellationToken,
    progress?: ToolProgress,
  ): Promise<vscode.LanguageModelToolResult> {
    const stop = new AbortController();
    const onStop = token.onCancellationRequested(() => stop.abort(new vscode.CancellationError()));
    try {
      return await this.run(options.input, stop.signal, progress);
    } finally {
      onStop.dispose();
    }
  }

  private async run(input: EditImageInput, signal: AbortSignal, progress?: ToolProgress): Promise<vscode.LanguageModelToolResult> {
    const { jobs, logger } = this.services;
    let checked: Checked;
    try {
      checked = this.check(input);
    } catch (e) {
      if (e instanceof EditRefused) return errorResult(refusalReport(e.reason, e.message));
      throw e;
    }
    const { parsed } = checked;
    const outputFolder = outputFolderOf(parsed).outputDir;
    if (signal.aborted) return textResult(outcomeReport({ stop: 'notSent', outputFolder, attached: 0 }));
    let job: Extract<Job, { requestId: string }>;
    try {
      const submitted = await submitEditRequest(this.services, parsed, signal);
      if (submitted.kind === 'unknown') return textResult(outcomeReport({ outcome: submitted.outcome, outputFolder, attached: 0 }));
      job = submitted.job;
    } catch (e) {
      if (e instanceof EditRefused) return errorResult(refusalReport(e.reason, e.message));
      if (signal.aborted) return textResult(outcomeReport({ stop: 'notSent', outputFolder, attached: 0 }));
      throw e;
    }
    logger.info(`chat tool: submitted ${job.requestId}`);
    const following = progress ? follow(this.services, job.id, progress) : undefined;
    let outcome: EditOutcome | undefined;
    let stopped: Stop | undefined;
    try {
      outcome = await jobs.waitForOutcome(job.id, signal);
    } catch (e) {
      if (!signal.aborted) throw e;
      ({ outcome, stop: stopped } = await this.stopped(job.id));
      this.announceStop(job.requestId, stopped);
    } finally {
      following?.dispose();
    }
    logger.info(`chat tool: ${job.requestId} ${outcome?.status ?? stopped}`);
    const current = jobs.get(job.id);
    const files = outcome?.files ?? [];
    const images = await attachResultImages(files, (file) => jobs.previewImage(file));
    const text = outcomeReport({
      outcome,
      requestId: job.requestId,
      cost: current && hasRequestId(current) ? current.cost : undefined,
      outputCount: current && hasOutputs(current) ? current.outputUrls.length : undefined,
      outputFolder,
      stop: stopped,
      attached: images.parts.length,
      notAttached: images.note,
    });
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text), ...(images.parts as vscode.LanguageModelTextPart[])]);
  }

  /** The same checks and sentences as `runcomfy.edit` with an argument object. */
  private check(input: EditImageInput): Checked {
    const parsed = parseEditRequest(this.services, argumentsOf(input));
    return { parsed, ...(parsed.fit ? { fit: parsed.fit } : {}) };
  }

  /** The chat turn was stopped while waiting: a queued job is cancelled at RunComfy, a running one goes on. */
  private async stopped(jobId: string): Promise<{ outcome?: EditOutcome; stop?: Stop }> {
    const { jobs, logger } = this.services;
    const job = jobs.get(jobId);
    if (!job) return { stop: 'unknown' };
    const finished = outcomeFor(job, jobs.health());
    if (finished) return { outcome: finished };
    if (!isCancellable(factsOf(job))) return { stop: 'running' };
    let answer: string;
    try {
      answer = await jobs.cancel(jobId);
    } catch (e) {
      logger.warn(`chat tool: cancel failed: ${jobs.userMessageOf(e)}`);
      answer = 'unknown';
    }
    if (answer === 'cancelled') return { outcome: await jobs.waitForOutcome(jobId), stop: 'cancelled' };
    return { stop: answer === 'not_cancellable' ? 'running' : 'unknown' };
  }

  /** VS Code drops a tool's answer once the turn is stopped, so the user hears what became of the job here. */
  private announceStop(requestId: string, stop: Stop | undefined): void {
    const id = requestId;
    if (stop === 'cancelled') void showInfo(vscode.l10n.t('RunComfy: the chat was stopped, so queued request {0} was cancelled. Nothing is billed.', id));
    if (stop === 'running') {
      void showInfo(
        vscode.l10n.t(
          'RunComfy: the chat was stopped, but request {0} was already running. It will finish and be billed, and its results will still be saved.',
          id,
        ),
      );
    }
    if (stop === 'unknown') {
      void showWarning(vscode.l10n.t('RunComfy did not say whether request {0} was cancelled; it is still being tracked.', id));
    }
  }
}

/** The edit argument object from the tool input: `wait` is the tool's own business (it always waits). */
function argumentsOf(input: EditImageInput | undefined): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { images, prompt, size, scale, forceSingle, fit } = input;
  return { images, prompt, size, scale, forceSingle, fit };
}

function shownRef(ref: InputRef): string {
  return ref.kind === 'file' ? vscode.workspace.asRelativePath(ref.path) : ref.url;
}

function toMarkdown(segments: readonly Segment[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  for (const s of segments) {
    if ('text' in s) md.appendText(s.text);
    else md.appendMarkdown(s.markdown);
  }
  return md;
}

function follow(services: Services, jobId: string, progress: ToolProgress): vscode.Disposable {
  return services.jobs.onDidChangeJob(({ job }) => {
    if (job.id === jobId) progress.report({ message: stateWords(factsOf(job)) });
  });
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** An answer the chat marks as a failed call where VS Code supports it; the text says what to change. */
function errorResult(text: string): vscode.LanguageModelToolResult {
  return Object.assign(textResult(text), { hasError: true });
}

export function registerLanguageModelTools(services: Services, contributions: Contributions): vscode.Disposable {
  return contributions.registerTool(EDIT_IMAGE_TOOL, new EditImageTool(services));
}
