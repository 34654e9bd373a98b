// GET status and result, POST cancel of one request, and GET of the model's metadata.
import { statusWord, type Job } from '../jobs';
import { EMULATED_MODEL_ID, INPUT_SCHEMA, OUTPUT_SCHEMA } from '../modelSchema';
import { isoTime, jsonReply, notFoundRequest, type Reply } from '../replies';
import type { EmulatorState } from '../state';

export function statusRoute(state: EmulatorState, id: string): Reply {
  const job = state.jobs.get(id);
  if (!job) return notFoundRequest();
  const now = state.clock.now();
  const jobState = job.stateAt(now);
  const { status_url, result_url } = state.urlsFor(id);
  const body: Record<string, unknown> = { request_id: id, status: statusWord(jobState) };
  if (jobState === 'in_queue') body.queue_position = state.queuePosition(job, now);
  if (jobState === 'in_progress') body.instance_id = `emu-${id.slice(0, 8)}`;
  body.status_url = status_url;
  body.result_url = result_url;
  return jsonReply(200, body);
}

/** Several outputs come as `images`; a single one as the job's plan says (by default `image` alone). */
function outputField(job: Job): Record<string, unknown> {
  const urls = [...job.outputUrls];
  if (urls.length !== 1) return { images: urls };
  switch (job.plan.singleOutput) {
    case 'image':
      return { image: urls[0] };
    case 'images':
      return { images: urls };
    case 'both':
      return { image: urls[0], images: urls };
  }
}

export function resultRoute(state: EmulatorState, id: string, includeCost: boolean): Reply {
  const job = state.jobs.get(id);
  if (!job) return notFoundRequest();
  const now = state.clock.now();
  if (state.isGone(job, now)) return notFoundRequest();
  const jobState = job.stateAt(now);
  const body: Record<string, unknown> = { request_id: id, status: jobState };
  if (jobState === 'succeeded') {
    body.output = outputField(job);
  }
  body.created_at = isoTime(job.submittedAt);
  const finished = jobState === 'succeeded' || jobState === 'failed' || jobState === 'cancelled';
  if (finished && job.finishedAt !== undefined) body.finished_at = isoTime(job.finishedAt);
  if (jobState === 'failed') body.error = job.error;
  if (includeCost && finished) {
    body.cost = jobState === 'succeeded' ? Math.round(job.outputs * state.price * 1e6) / 1e6 : 0;
  }
  return jsonReply(200, body);
}

export function cancelRoute(state: EmulatorState, id: string): Reply {
  const job = state.jobs.get(id);
  if (!job) return notFoundRequest();
  const now = state.clock.now();
  if (job.stateAt(now) === 'in_queue') job.cancelledAt = now;
  const after = job.stateAt(now);
  const outcome = after === 'cancelled' ? 'cancelled' : 'not_cancellable';
  return jsonReply(202, { request_id: id, status: statusWord(after), outcome });
}

export function modelRoute(state: EmulatorState): Reply {
  return jsonReply(200, {
    model_id: EMULATED_MODEL_ID,
    input_schema: INPUT_SCHEMA,
    output_schema: OUTPUT_SCHEMA,
    base_price_usd: state.price,
    price_unit: 'per image',
  });
}
