// "Run again" from the Results gallery: what a job would send again, and the question the panel asks before paying for it.
import { randomUUID } from 'node:crypto';
import { type EditOptions, sizeLabel } from '../api/model';
import { t } from '../common/l10n';
import type { InputProblem, InputRef } from '../jobs/inputChecks';
import type { Job } from '../jobs/job';
import type { ToWebview } from '../protocol/messages';
import { imageLabel } from './draft';
import type { PanelPorts } from './ports';

/** A run-again the panel has asked about; it is sent only when the answer carries its token. */
export interface PendingRunAgain {
  token: string;
  jobId: string;
  refs: InputRef[];
  prompt: string;
  options: Required<EditOptions>;
}

/** The inputs a job was sent with, as they can be sent again (a resumed job has none). */
export function refsOf(job: Job): InputRef[] {
  return job.inputs.flatMap((i): InputRef[] =>
    i.path ? [{ kind: 'file', path: i.path, ...(i.fit ? { fit: i.fit } : {}) }] : i.url ? [{ kind: 'url', url: i.url }] : [],
  );
}

export function pendingRunAgain(job: Job, defaults: Required<EditOptions>): PendingRunAgain {
  return {
    token: randomUUID(),
    jobId: job.id,
    refs: refsOf(job),
    prompt: job.prompt,
    options: {
      size: job.options.size ?? defaults.size,
      scale: job.options.scale ?? defaults.scale,
      forceSingle: job.options.forceSingle ?? defaults.forceSingle,
    },
  };
}

/** What is wrong with the inputs now (a file moved or changed, an address that lost its query), checked before asking. */
export async function problemsOf(refs: readonly InputRef[], jobs: PanelPorts['jobs']): Promise<InputProblem[]> {
  const found = await Promise.all(refs.map(async (ref) => (ref.kind === 'url' ? jobs.checkUrl(ref.url) : (await jobs.planImageFile(ref)).problems)));
  return found.flat();
}

/** Size, scale and single output in words, as the panel shows what would be sent. */
export function optionsText(options: Required<EditOptions>): string {
  return [sizeLabel(options.size), t('scale {0}', options.scale), options.forceSingle ? t('single output') : t('several outputs allowed')].join(' · ');
}

/** The question, with the price and everything that will be sent; the panel shows it as text. */
export function confirmationOf(pending: PendingRunAgain, price: string | undefined): Extract<ToWebview, { type: 'confirmRunAgain' }> {
  return {
    type: 'confirmRunAgain',
    token: pending.token,
    inputs: pending.refs.map(imageLabel),
    prompt: pending.prompt,
    options: optionsText(pending.options),
    ...(price !== undefined ? { price } : {}),
  };
}
