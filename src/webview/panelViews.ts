// Turns jobs and the draft into the plain views the panel shows; local files become webview URIs, nothing else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_IMAGES, MAX_PROMPT_LENGTH, SIZE_OPTIONS, sizeLabel } from '../api/model';
import type { JobRecord } from '../jobs/job';
import type { DraftView, InputView, JobView, PanelState, ResultView } from '../protocol/messages';
import { stateText } from '../ui/jobText';
import { Draft, DraftImage, imageLabel } from './panelDraft';

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
    view.url = image.ref.url;
  }
  if (image.facts) {
    view.format = image.facts.format;
    view.bytes = image.facts.bytes;
    view.width = image.facts.width;
    view.height = image.facts.height;
  }
  return view;
}

export function draftView(draft: Draft, uri: ToWebviewUri): DraftView {
  return {
    images: draft.images.map((i) => inputView(i, uri)),
    prompt: draft.prompt,
    size: draft.size,
    scale: draft.scale,
    forceSingle: draft.forceSingle,
  };
}

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    requestId: job.requestId,
    state: job.state,
    stateText: stateText(job),
    queuePosition: job.queuePosition,
    prompt: job.prompt,
    createdAt: job.createdAt,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.error ?? job.pollError,
    cancelOutcome: job.cancelOutcome,
    downloadState: job.download.state,
    downloadError: job.download.error,
    canCancel: !!job.requestId && job.state === 'queued' && job.cancelOutcome !== 'not_cancellable',
    cost: job.cost,
  };
}

export function resultViews(jobs: readonly JobRecord[], uri: ToWebviewUri, exists: (p: string) => boolean): ResultView[] {
  const results: ResultView[] = [];
  for (const job of jobs) {
    if (!job.requestId) continue;
    const firstFile = job.inputs.find((i) => i.path && exists(i.path));
    for (const file of job.download.files) {
      if (!exists(file.path)) continue;
      results.push({
        jobId: job.id,
        requestId: job.requestId,
        path: file.path,
        name: path.basename(file.path),
        thumb: uri(file.path),
        prompt: job.prompt,
        size: job.options.size,
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
  jobs: readonly JobRecord[];
  hasToken: boolean;
  price?: string;
  view?: PanelState['view'];
  uri: ToWebviewUri;
  exists: (p: string) => boolean;
}): PanelState {
  return {
    draft: draftView(args.draft, args.uri),
    jobs: args.jobs.map(jobView),
    results: resultViews(args.jobs, args.uri, args.exists),
    hasToken: args.hasToken,
    price: args.price,
    sizes: SIZE_OPTIONS.map((value) => ({ value, label: sizeLabel(value) })),
    limits: { maxImages: MAX_IMAGES, maxPromptLength: MAX_PROMPT_LENGTH },
    view: args.view,
  };
}

/** Folders the panel may read: the extension's assets and the folders of the images it shows, nothing more. */
export function resourceRoots(extensionUri: vscode.Uri, draft: Draft, jobs: readonly JobRecord[]): vscode.Uri[] {
  const folders = new Set<string>();
  for (const image of draft.images) if (image.ref.kind === 'file') folders.add(path.dirname(image.ref.path));
  for (const job of jobs) {
    for (const f of job.download.files) folders.add(path.dirname(f.path));
    for (const i of job.inputs) if (i.path) folders.add(path.dirname(i.path));
  }
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media'), ...[...folders].sort().map((f) => vscode.Uri.file(f))];
}
