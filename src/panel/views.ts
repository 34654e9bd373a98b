// Turns jobs and the draft into the plain views the panel shows; local files become webview URIs, nothing else.
import * as path from 'node:path';
import { MAX_IMAGES, MAX_PROMPT_LENGTH, SIZE_OPTIONS, sizeLabel } from '../api/model';
import { withoutQuery } from '../common/privateUrl';
import { factsOf, filesOf, hasOutputs, hasRequestId, type Job, problemOf, timesOf } from '../jobs/job';
import type { DraftView, InputView, JobView, PanelState, ResultView, SpendingView } from '../protocol/messages';
import { type Draft, type DraftImage, imageLabel } from './draft';

export type ToWebviewUri = (filePath: string) => string;

export function inputView(image: DraftImage, uri: ToWebviewUri): InputView {
  const view: InputView = {
    id: image.id,
    kind: image.ref.kind,
    label: imageLabel(image.ref),
    problems: image.problems.map((p) => ({ rule: p.rule, message: p.message })),
    checking: image.checking,
  };
  if (image.ref.kind === 'file') {
    view.path = image.ref.path;
    if (!image.problems.some((p) => p.rule === 'missing' || p.rule === 'type')) view.thumb = uri(image.ref.path);
  } else {
    // The panel shows where an address points, never its query (a signature): only RunComfy gets the full URL.
    view.url = withoutQuery(image.ref.url);
  }
  if (image.fitSummary !== undefined) view.fitSummary = image.fitSummary;
  if (image.ref.kind === 'file' && image.ref.fit) view.fit = image.ref.fit;
  if (image.canFit || (image.ref.kind === 'file' && image.ref.fit)) view.canFit = true;
  if (image.facts) {
    view.format = image.sourceFormat ?? image.facts.format;
    view.bytes = image.facts.bytes;
    view.width = image.facts.width;
    view.height = image.facts.height;
  }
  return view;
}

/** `seq`: the number of the panel's last edit the draft includes. */
export function draftView(draft: Draft, uri: ToWebviewUri, seq?: number): DraftView {
  return {
    images: draft.images.map((i) => inputView(i, uri)),
    prompt: draft.prompt,
    size: draft.size,
    scale: draft.scale,
    forceSingle: draft.forceSingle,
    seq,
  };
}

/** A job as the panel sees it: the rule book's facts, its times and its problem; the panel asks the rule book the rest. */
export function jobView(job: Job): JobView {
  const facts = factsOf(job);
  const times = timesOf(job);
  const view: JobView = {
    id: job.id,
    state: job.state,
    prompt: job.prompt,
    createdAt: times.createdAt,
  };
  if (facts.requestId !== undefined) view.requestId = facts.requestId;
  if (facts.queuePosition !== undefined) view.queuePosition = facts.queuePosition;
  if (facts.cancelOutcome !== undefined) view.cancelOutcome = facts.cancelOutcome;
  if (facts.seen !== undefined) view.seen = facts.seen;
  if (facts.stalled) view.stalled = true;
  if (facts.retryable !== undefined) view.retryable = facts.retryable;
  if (facts.savedCount !== undefined) view.savedCount = facts.savedCount;
  if (times.submittedAt !== undefined) view.submittedAt = times.submittedAt;
  if (times.finishedAt !== undefined) view.finishedAt = times.finishedAt;
  if (hasRequestId(job) && job.startedAt !== undefined) view.startedAt = job.startedAt;
  if (hasRequestId(job) && job.cost !== undefined) view.cost = job.cost;
  if (hasOutputs(job)) view.outputCount = job.outputUrls.length;
  const problem = problemOf(job);
  if (problem !== undefined) view.error = problem;
  if (job.batch) view.batch = { id: job.batch.id, label: job.batch.label };
  return view;
}

export function resultViews(jobs: readonly Job[], uri: ToWebviewUri, exists: (p: string) => boolean): ResultView[] {
  const results: ResultView[] = [];
  for (const job of jobs) {
    if (!hasOutputs(job)) continue;
    const firstFile = job.inputs.find((i) => i.path && exists(i.path));
    for (const file of job.files) {
      if (!exists(file.path)) continue;
      results.push({
        jobId: job.id,
        requestId: job.requestId,
        path: file.path,
        name: path.basename(file.path),
        thumb: uri(file.path),
        prompt: job.prompt,
        size: job.options.size,
        ...(file.width !== undefined && file.height !== undefined ? { width: file.width, height: file.height } : {}),
        scale: job.options.scale,
        forceSingle: job.options.forceSingle,
        savedAt: job.finishedAt,
        before: firstFile?.path ? { label: firstFile.label, thumb: uri(firstFile.path) } : undefined,
      });
    }
  }
  return results;
}

export function panelState(args: {
  draft: Draft;
  draftSeq?: number;
  jobs: readonly Job[];
  spending?: SpendingView;
  hasToken: boolean;
  price?: string;
  view?: PanelState['view'];
  uri: ToWebviewUri;
  exists: (p: string) => boolean;
}): PanelState {
  return {
    draft: draftView(args.draft, args.uri, args.draftSeq),
    jobs: args.jobs.map(jobView),
    spending: args.spending,
    results: resultViews(args.jobs, args.uri, args.exists),
    hasToken: args.hasToken,
    price: args.price,
    sizes: SIZE_OPTIONS.map((value) => ({ value, label: sizeLabel(value) })),
    limits: { maxImages: MAX_IMAGES, maxPromptLength: MAX_PROMPT_LENGTH },
    view: args.view,
  };
}

/** Folders the panel may read besides its own assets: those of the images it shows, nothing more. */
export function resourceFolders(draft: Draft, jobs: readonly Job[]): string[] {
  const folders = new Set<string>();
  for (const image of draft.images) if (image.ref.kind === 'file') folders.add(path.dirname(image.ref.path));
  for (const job of jobs) {
    for (const f of filesOf(job)) folders.add(path.dirname(f.path));
    for (const i of job.inputs) if (i.path) folders.add(path.dirname(i.path));
  }
  return [...folders].sort();
}
