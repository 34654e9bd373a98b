// batch.json: what a batch asked for and what became of every item, rewritten atomically beside its results as it goes.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MODEL_ID } from '../api/model';
import type { Logger } from '../common/logger';
import type { InputRef } from '../jobs/inputChecks';
import { type BatchRecord, countsOf, itemStatus, spentOf } from './batch';

export const SUMMARY_FILE = 'batch.json';

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A reference as batch.json records it: a file by its path from the batch folder, a URL without its query (it may be signed). */
function describeReference(ref: InputRef, folder: string): string {
  if (ref.kind === 'file') return toPosix(path.relative(folder, ref.path));
  try {
    const u = new URL(ref.url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return ref.url.split('?')[0];
  }
}

/** The summary's content; paths are relative to the batch folder, so the folder can be moved or shared as it is. */
export function batchSummary(batch: BatchRecord): Record<string, unknown> {
  const counts = countsOf(batch);
  const folder = batch.folder;
  return {
    batchId: batch.id,
    model: MODEL_ID,
    state: batch.state,
    createdAt: new Date(batch.createdAt).toISOString(),
    updatedAt: new Date(batch.updatedAt).toISOString(),
    prompt: batch.prompt,
    options: { size: batch.options.size, scale: batch.options.scale, forceSingle: batch.options.forceSingle, fit: batch.fit.mode },
    references: batch.references.map((r) => describeReference(r, folder)),
    sourceRoot: toPosix(path.relative(folder, batch.root)) || '.',
    concurrency: batch.concurrency,
    estimatedCost: batch.unitPrice === undefined ? null : { perImage: batch.unitPrice, jobs: counts.total, total: round(batch.unitPrice * counts.total) },
    cost: round(spentOf(batch)),
    counts: { total: counts.total, done: counts.done, failed: counts.failed, left: counts.left },
    ...(batch.notice ? { notice: batch.notice } : {}),
    items: batch.items.map((item) => ({
      source: item.relative,
      request_id: item.requestId ?? null,
      status: itemStatus(item),
      files: (item.files ?? []).map((f) => toPosix(path.relative(folder, f))),
      cost: item.cost ?? null,
      ...(item.error ? { error: item.error } : {}),
    })),
  };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Writes each batch's batch.json whenever it changes: at most one write per batch in flight, the latest state always last. */
export class SummaryWriter {
  private readonly latest = new Map<string, BatchRecord>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly logger: Logger) {}

  write(batch: BatchRecord): void {
    this.latest.set(batch.id, batch);
    if (!this.running.has(batch.id)) this.running.set(batch.id, this.drain(batch.id));
  }

  /** Resolves once every batch.json shows the latest state. */
  async flushed(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async drain(id: string): Promise<void> {
    try {
      for (let batch = this.latest.get(id); batch; batch = this.latest.get(id)) {
        this.latest.delete(id);
        try {
          await writeAtomically(path.join(batch.folder, SUMMARY_FILE), `${JSON.stringify(batchSummary(batch), null, 2)}\n`);
        } catch (e) {
          this.logger.warn(`could not write ${SUMMARY_FILE} of batch ${id}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      this.running.delete(id);
    }
  }
}

/** A reader never sees half a file: the text goes to a hidden temp file that then replaces the old one in one step. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.part`);
  try {
    await fs.writeFile(temp, text, 'utf8');
    await fs.rename(temp, file);
  } catch (e) {
    await fs.unlink(temp).catch(() => undefined);
    throw e;
  }
}
