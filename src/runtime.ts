// The heavy half of the extension, loaded on first need: HTTP dispatcher, RunComfy client, job engine, input checks and fitting, and saving.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { RunComfyClient, assertRequestId } from './api/client';
import { parseBatchArgs } from './batch/batchArgs';
import { BatchService } from './batch/batchService';
import { InputError, userMessageOf } from './api/errors';
import { ForwardingDispatcher, createDispatcher } from './api/http';
import type { EditOptions, ModelMetadata } from './api/schemas';
import { systemClock } from './common/clock';
import { type Translate, setDisplayLanguage, setTranslator } from './common/l10n';
import { type Logger, taggedLogger } from './common/logger';
import { parseEditArgs } from './jobs/editArgs';
import { JobEngine } from './jobs/engine';
import { AspectRatioChoiceError } from './imaging/fitErrors';
import { DEFAULT_FIT, FIT_LIMITS, type FitSettings } from './imaging/fitTypes';
import { FitCache } from './imaging/fitCache';
import { type Preview, previewOf } from './imaging/preview';
import { WorkerTransformer } from './imaging/workerClient';
import type { InputRef } from './jobs/inputChecks';
import { type FilePlan, type PreparedInput, inspectImageFile, planLocalFile, prepareInputs, summarizeInputs } from './jobs/inputs';
import { checkUrl } from './jobs/inputUrls';
import type { Job } from './jobs/job';
import { stemFromFileName } from './jobs/naming';
import { type OutputPlace, outputFolderProblem } from './jobs/outputFolder';
import type { ApiPort } from './jobs/ports';
import { ResultSaver } from './jobs/resultSaver';
import { GlobalDurationStore } from './storage/globalDurationStore';
import { WorkspaceBatchStore } from './storage/workspaceBatchStore';
import { WorkspaceJobStore } from './storage/workspaceJobStore';

export interface RuntimeHost {
  logger: Logger;
  token(): Promise<string | undefined>;
  apiBaseUrl(): string;
  allowedDownloadHosts(): string[];
  proxyUrl(): string | undefined;
  workspaceState: vscode.Memento;
  /** Where learned job durations are kept (all workspaces share them). */
  globalState?: vscode.Memento;
  userAgent: string;
  /** The host's translator (vscode.l10n.t), so the runtime's messages speak the user's language. */
  translate?: Translate;
  /** VS Code's display language (vscode.env.language), which numbers, prices and plurals follow. */
  language?: string;
  /** How local images are fitted when a caller does not say (the runcomfy.fitInputs and stripMetadata settings). */
  fitSettings?(): FitSettings;
  /** Whether saved PNG and JPEG results carry their prompt inside the file; yes when left out. */
  embedPromptInResults?(): boolean;
}

/** What an adapter submits; where the results go comes with the folder they must stay inside (see OutputPlace). */
export interface EditSubmission extends OutputPlace {
  refs: InputRef[];
  prompt: string;
  options: EditOptions;
  /** How local images are fitted; the host's settings when left out. */
  fit?: FitSettings;
}

export class Runtime {
  readonly engine: JobEngine;
  readonly batches: BatchService;
  private client: RunComfyClient;
  private dispatcher: ReturnType<typeof createDispatcher>;
  private readonly forwarding = new ForwardingDispatcher(() => this.dispatcher);
  private modelCache: Promise<ModelMetadata> | undefined;
  /** The image worker (dist/imageWorker.js) starts only when an image needs pixel work. */
  private readonly transformer = new WorkerTransformer({ script: path.join(__dirname, 'imageWorker.js') });
  /** What the panel fitted to show on its cards is sent from here, not decoded a second time. */
  private readonly fitCache = new FitCache();

  constructor(private readonly host: RuntimeHost) {
    this.dispatcher = createDispatcher({ proxyUrl: host.proxyUrl() });
    this.client = this.buildClient();
    // The engine talks to whichever client is current, so a changed base URL or proxy applies to running jobs too.
    const api: ApiPort = {
      submit: (body, options) => this.client.submit(body, options),
      status: (id, options) => this.client.status(id, options),
      result: (id, options) => this.client.result(id, options),
      cancel: (id, options) => this.client.cancel(id, options),
    };
    const saver = new ResultSaver({
      dispatcher: this.forwarding,
      clock: systemClock,
      logger: taggedLogger(host.logger, 'save'),
      allowedHosts: () => host.allowedDownloadHosts(),
      embedPrompt: () => host.embedPromptInResults?.() ?? true,
    });
    this.engine = new JobEngine({
      api,
      saver,
      store: new WorkspaceJobStore(host.workspaceState, host.logger),
      durations: host.globalState ? new GlobalDurationStore(host.globalState) : undefined,
      logger: taggedLogger(host.logger, 'jobs'),
    });
    this.batches = new BatchService({
      engine: this.engine,
      prepare: (refs, signal, fit) => this.prepare(refs, signal, fit),
      store: new WorkspaceBatchStore(host.workspaceState, host.logger),
      logger: taggedLogger(host.logger, 'batch'),
    });
  }

  /** Settings that decide where requests go have changed: later requests use a fresh client and dispatcher. */
  reconnect(): void {
    const old = this.dispatcher;
    this.dispatcher = createDispatcher({ proxyUrl: this.host.proxyUrl() });
    this.client = this.buildClient();
    this.modelCache = undefined;
    void old.close().catch(() => undefined);
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  /** Checks and fits every input locally (format, size, dimensions, aspect ratio, metadata, request size) and builds what is sent. */
  prepare(refs: readonly InputRef[], signal?: AbortSignal, fit?: FitSettings): Promise<PreparedInput[]> {
    const settings = fit ?? this.host.fitSettings?.() ?? DEFAULT_FIT;
    return prepareInputs(refs, { settings, transformer: this.transformer, cache: this.fitCache }, signal);
  }

  /** What one local file will be sent as (fitted in the worker, like a submit), or why it cannot be. */
  planImageFile(ref: Extract<InputRef, { kind: 'file' }>, fit?: FitSettings, signal?: AbortSignal): Promise<FilePlan> {
    const settings = fit ?? this.host.fitSettings?.() ?? DEFAULT_FIT;
    return planLocalFile(ref, { settings, transformer: this.transformer, cache: this.fitCache }, signal);
  }

  /** A saved result as a small image a language model can look at; undefined when it cannot be read or is not an image. */
  async previewImage(file: string, signal?: AbortSignal): Promise<Preview | undefined> {
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile() || stat.size > FIT_LIMITS.maxSourceBytes) return undefined;
      return await previewOf(await fs.readFile(file), this.transformer, signal);
    } catch {
      return undefined;
    }
  }

  /** Checks every input locally (unless already prepared), then submits once; resolves when the request_id is stored. */
  async submitEdit(submission: EditSubmission, signal?: AbortSignal, prepared?: PreparedInput[]): Promise<Job> {
    // Before any money is spent: results that could not be saved are not worth paying for.
    await assertOutputPlace(submission);
    prepared ??= await this.prepare(submission.refs, signal, submission.fit);
    const firstFile = submission.refs.find((r): r is Extract<InputRef, { kind: 'file' }> => r.kind === 'file');
    return this.engine.submit(
      {
        imageValues: prepared.map((p) => p.value),
        inputs: summarizeInputs(prepared),
        prompt: submission.prompt,
        options: submission.options,
        outputDir: submission.outputDir,
        outputRoot: submission.outputRoot,
        baseName: firstFile ? stemFromFileName(path.basename(firstFile.path)) : 'edit',
      },
      signal,
    );
  }

  /** Tracks an existing request_id; its results go only where they may (see OutputPlace). */
  async resume(requestId: string, params: OutputPlace & { baseName: string; prompt?: string }, signal?: AbortSignal): Promise<Job> {
    await assertOutputPlace(params);
    return this.engine.resume(requestId, params, signal);
  }

  /** The model's metadata (price, live schema), fetched once per connection. */
  model(): Promise<ModelMetadata> {
    this.modelCache ??= this.client.model().catch((e) => {
      this.modelCache = undefined;
      throw e;
    });
    return this.modelCache;
  }

  /** Stops the engine (polls, retries and downloads in flight end at once) and closes connections once they have. */
  async dispose(): Promise<void> {
    this.batches.dispose();
    this.transformer.dispose();
    this.fitCache.clear();
    this.engine.dispose();
    await this.engine.stopped();
    await this.dispatcher.close().catch(() => undefined);
  }

  private buildClient(): RunComfyClient {
    return new RunComfyClient({
      baseUrl: this.host.apiBaseUrl(),
      token: () => this.host.token(),
      dispatcher: this.forwarding,
      logger: taggedLogger(this.host.logger, 'api'),
      userAgent: this.host.userAgent,
    });
  }
}

async function assertOutputPlace(place: OutputPlace): Promise<void> {
  const problem = await outputFolderProblem(place);
  if (problem) throw new InputError(place.outputDir, 'outputFolder', problem);
}

export function createRuntime(host: RuntimeHost): Runtime {
  if (host.translate) setTranslator(host.translate);
  if (host.language) setDisplayLanguage(host.language);
  return new Runtime(host);
}

/** Helpers the light half needs at run time, so it never bundles its own copy of the error classes. */
export const runtimeHelpers = {
  userMessageOf,
  assertRequestId,
  parseEditArgs,
  parseBatchArgs,
  inspectImageFile,
  checkUrl,
  isAspectChoiceError: (e: unknown): e is AspectRatioChoiceError => e instanceof AspectRatioChoiceError,
  outputFolderProblem,
};
