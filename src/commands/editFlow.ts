// The steps of an edit without UI, shared by `runcomfy.edit` with an argument object and the chat tool: check, submit once, price.
import * as vscode from 'vscode';
import { modelPriceText } from '../common/wording';
import type { FitSettings } from '../imaging/fitTypes';
import type { ParsedEditArgs } from '../jobs/editArgs';
import type { InputRef } from '../jobs/inputChecks';
import type { OutputPlace } from '../jobs/outputFolder';
import type { PreparedInput } from '../jobs/inputs';
import { hasRequestId, type Job } from '../jobs/job';
import type { EditOutcome } from '../jobs/outcome';
import { defaultOptions, fitSettings, outputFolderFor } from '../platform/config';
import type { Services } from '../platform/services';

/** Why an edit was refused before anything was billed: its arguments, the missing token, or RunComfy's clear refusal. */
export type RefusalReason = 'input' | 'token' | 'submit';

/** An edit refused before any money was spent; its message is the one the UI shows. */
export class EditRefused extends Error {
  constructor(
    message: string,
    readonly reason: RefusalReason,
  ) {
    super(message);
  }
}

export type SubmittedEdit =
  | { kind: 'accepted'; job: Extract<Job, { requestId: string }> }
  /** The submit was sent and its answer lost: the job is kept and never resent. */
  | { kind: 'unknown'; outcome: EditOutcome };

export function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** The automation argument checked with the same sentences as every other entry point. */
export function parseEditRequest(services: Services, raw: unknown): ParsedEditArgs {
  try {
    return services.jobs.parseEditArgs(raw, workspaceFolderPaths());
  } catch (e) {
    throw new EditRefused(services.jobs.userMessageOf(e), 'input');
  }
}

/** The file whose workspace folder and settings decide where results go and which defaults apply. */
export function scopeOf(refs: readonly InputRef[]): vscode.Uri | undefined {
  const file = refs.find((r) => r.kind === 'file');
  return file && file.kind === 'file' ? vscode.Uri.file(file.path) : undefined;
}

/** Settings fill in what the arguments leave out. */
export function effectiveOptions(parsed: ParsedEditArgs): Required<ParsedEditArgs['options']> {
  return { ...defaultOptions(scopeOf(parsed.refs)), ...parsed.options };
}

/** How local images are fitted: the `fit` argument over the settings. */
export function fitOf(parsed: ParsedEditArgs): FitSettings {
  return { ...fitSettings(scopeOf(parsed.refs)), ...(parsed.fit ? { mode: parsed.fit } : {}) };
}

export function outputFolderOf(parsed: ParsedEditArgs): OutputPlace {
  return outputFolderFor(scopeOf(parsed.refs));
}

/** Checks the token and every input locally, sending nothing; `signal` may stop the checks. */
export async function checkEditRequest(services: Services, parsed: ParsedEditArgs, signal?: AbortSignal): Promise<PreparedInput[]> {
  const { jobs, logger } = services;
  if (!(await services.tokens.get())) {
    throw new EditRefused(
      vscode.l10n.t('No RunComfy API token is set. Run "RunComfy: Set API Token" or set the RUNCOMFY_API_TOKEN environment variable.'),
      'token',
    );
  }
  try {
    return await jobs.prepare(parsed.refs, signal, fitOf(parsed));
  } catch (e) {
    if (signal?.aborted) throw e;
    logger.warn(`scripted edit refused: ${jobs.userMessageOf(e)}`);
    throw new EditRefused(jobs.userMessageOf(e), 'input');
  }
}

/**
 * Checks the token and every input, then submits exactly once. `signal` may stop the local checks; the submit itself
 * is never aborted, since a submit cut off mid-way may still be billed.
 */
export async function submitEditRequest(services: Services, parsed: ParsedEditArgs, signal?: AbortSignal): Promise<SubmittedEdit> {
  const { jobs, logger } = services;
  const prepared = await checkEditRequest(services, parsed, signal);
  signal?.throwIfAborted();
  let job: Job;
  try {
    job = await jobs.submitEdit(
      { refs: parsed.refs, prompt: parsed.prompt, options: effectiveOptions(parsed), ...outputFolderOf(parsed), fit: fitOf(parsed) },
      prepared,
    );
  } catch (e) {
    logger.warn(`scripted edit refused: ${jobs.userMessageOf(e)}`);
    if (errorKind(e) === 'submissionUnknown') return { kind: 'unknown', outcome: { status: 'submissionUnknown', files: [], error: jobs.userMessageOf(e) } };
    throw new EditRefused(jobs.userMessageOf(e), 'submit');
  }
  if (!hasRequestId(job)) throw new EditRefused(vscode.l10n.t('RunComfy did not return a request_id.'), 'submit');
  return { kind: 'accepted', job };
}

/** "$0.03 per image", when the model metadata says; undefined rather than a long wait. */
export async function modelPrice(services: Services, timeoutMs = 1500): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
  try {
    const model = await Promise.race([services.jobs.model().catch(() => undefined), timeout]);
    return model ? modelPriceText(model.base_price_usd, model.price_unit) : undefined;
  } finally {
    clearTimeout(timer);
  }
}

export function errorKind(e: unknown): string | undefined {
  // Classes are not shared across the two bundles, so errors are told apart by their kind.
  return (e as { kind?: unknown } | undefined)?.kind as string | undefined;
}
