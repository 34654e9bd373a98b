// Batches on the job engine: inputs checked first, each item fitted just before its one submit, jobs followed by their batch tag.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { InputError, userMessageOf } from '../api/errors';
import { type Clock, systemClock } from '../common/clock';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { AspectRatioChoiceError } from '../imaging/fitErrors';
import type { FitSettings } from '../imaging/fitTypes';
import type { JobEngine } from '../jobs/engine';
import type { InputRef } from '../jobs/inputChecks';
import { type PreparedInput, requestSizeProblem, summarizeInputs } from '../jobs/inputs';
import { filesOf, hasRequestId, isTracked, type Job, problemOf } from '../jobs/job';
import { stemFromFileName } from '../jobs/naming';
import type { BatchRecord, ItemJob } from './batch';
import { type BatchInit, BatchRunner, type BatchStore, type SubmitAnswer, submitAnswerOfError } from './runner';
import { itemOutputDir } from './sources';
import { SummaryWriter } from './summary';

export interface BatchServiceDeps {
  engine: JobEngine;
  /** Checks and fits inputs (the runtime's preparation, in the image worker). */
  prepare(refs: readonly InputRef[], signal: AbortSignal | undefined, fit: FitSettings): Promise<PreparedInput[]>;
  store: BatchStore;
  logger: Logger;
  clock?: Clock;
  /** How many inputs are checked at once before a batch starts. */
  checkParallelism?: number;
}

export interface BatchProblem {
  source: string;
  message: string;
  /** Only its aspect ratio is wrong: Pad or Crop would fix it. */
  aspect: boolean;
}

export interface BatchCheck {
  ok: string[];
  problems: BatchProblem[];
}

export function itemJobOf(job: Job): ItemJob {
  const error = problemOf(job);
  return {
    state: job.state,
    ...(hasRequestId(job) ? { requestId: job.requestId } : {}),
    files: filesOf(job).map((f) => f.path),
    ...(hasRequestId(job) && job.cost !== undefined ? { cost: job.cost } : {}),
    ...(error ? { error } : {}),
    ...(isTracked(job) && job.trouble?.stalled ? { stalled: true } : {}),
    ...(hasRequestId(job) && job.cancelOutcome ? { cancelOutcome: job.cancelOutcome } : {}),
  };
}

export class BatchService extends Disposable {
  readonly runner: BatchRunner<PreparedInput[]>;
  private readonly summaries: SummaryWriter;
  /** References are fitted once per batch (again after a reload), not once per item. */
  private readonly references = new Map<string, Promise<PreparedInput[]>>();

  constructor(private readonly deps: BatchServiceDeps) {
    super();
    const { engine } = deps;
    this.summaries = new SummaryWriter(deps.logger);
    this.runner = new BatchRunner<PreparedInput[]>({
      store: deps.store,
      clock: deps.clock ?? systemClock,
      logger: deps.logger,
      newId: randomUUID,
      prepare: (batch, index, signal) => this.prepareItem(batch, index, signal),
      submit: (batch, index, jobId, prepared) => this.submitItem(batch, index, jobId, prepared),
      cancel: (jobId) => engine.cancel(jobId),
      job: (jobId) => {
        const job = engine.get(jobId);
        return job ? itemJobOf(job) : undefined;
      },
      changed: (batch) => {
        this.summaries.write(batch);
        if (batch.state === 'finished') this.references.delete(batch.id);
      },
    });
    this._register(engine.onDidChange(({ job, removed }) => !removed && job.batch && this.runner.jobChanged(job.id, itemJobOf(job))));
    this._register(toDisposable(() => this.runner.dispose()));
  }

  /**
   * Checks and fits every source (with the references) as it would be sent, a few at a time, keeping nothing of the
   * fitted bytes; problems of the references themselves throw, since no item could be sent with them.
   */
  async check(sources: readonly string[], references: readonly InputRef[], fit: FitSettings, progress?: (checked: number) => void, signal?: AbortSignal): Promise<BatchCheck> {
    const refs = references.length > 0 ? await this.deps.prepare(references, signal, fit) : [];
    const refChars = refs.reduce((sum, r) => sum + r.value.length, 0);
    const results = new Array<BatchProblem | undefined>(sources.length);
    let next = 0;
    let checked = 0;
    const worker = async () => {
      for (let i = next++; i < sources.length; i = next++) {
        signal?.throwIfAborted();
        try {
          const [item] = await this.deps.prepare([{ kind: 'file', path: sources[i] }], signal, fit);
          const tooBig = requestSizeProblem(item.value.length + refChars);
          if (tooBig) results[i] = { source: sources[i], message: tooBig.message, aspect: false };
        } catch (e) {
          if (signal?.aborted) throw e;
          results[i] = { source: sources[i], message: userMessageOf(e), aspect: e instanceof AspectRatioChoiceError };
        }
        progress?.(++checked);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.checkParallelism ?? 3) }, worker));
    return {
      ok: sources.filter((_, i) => !results[i]),
      problems: results.filter((p): p is BatchProblem => !!p),
    };
  }

  start(init: BatchInit): Promise<BatchRecord> {
    return this.runner.start(init);
  }

  /** Resolves once every batch.json shows the latest state. */
  async flushed(): Promise<void> {
    await this.runner.idle();
    await this.summaries.flushed();
  }

  private async prepareItem(batch: BatchRecord, index: number, signal: AbortSignal): Promise<PreparedInput[]> {
    const item = batch.items[index];
    const refs = await this.referencesOf(batch, signal);
    const [own] = await this.deps.prepare([{ kind: 'file', path: item.source }], signal, batch.fit);
    const tooBig = requestSizeProblem(own.value.length + refs.reduce((sum, r) => sum + r.value.length, 0));
    if (tooBig) throw new InputError(tooBig.subject, tooBig.rule, tooBig.message);
    return [own, ...refs];
  }

  private referencesOf(batch: BatchRecord, signal: AbortSignal): Promise<PreparedInput[]> {
    if (batch.references.length === 0) return Promise.resolve([]);
    let refs = this.references.get(batch.id);
    if (!refs) {
      refs = this.deps.prepare(batch.references, signal, batch.fit);
      // A failure is not kept: the next item tries again (the file may be back).
      refs.catch(() => this.references.delete(batch.id));
      this.references.set(batch.id, refs);
    }
    return refs;
  }

  private async submitItem(batch: BatchRecord, index: number, jobId: string, prepared: PreparedInput[]): Promise<SubmitAnswer> {
    const item = batch.items[index];
    try {
      const job = await this.deps.engine.submit({
        id: jobId,
        batch: { id: batch.id, item: index, label: batch.label },
        imageValues: prepared.map((p) => p.value),
        inputs: summarizeInputs(prepared),
        prompt: batch.prompt,
        options: batch.options,
        outputDir: itemOutputDir(batch.folder, item.relative),
        ...(batch.outputRoot !== undefined ? { outputRoot: batch.outputRoot } : {}),
        baseName: stemFromFileName(path.basename(item.source)),
      });
      return { kind: 'accepted', job: itemJobOf(job) };
    } catch (e) {
      return submitAnswerOfError(e);
    }
  }
}
