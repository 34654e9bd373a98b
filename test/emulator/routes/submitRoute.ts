// POST /v1/models/{model}: validates the body as the service does and creates a job on the emulator clock.
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { checkImageRef } from '../imageChecks';
import { DEFAULT_FAILURE, FAIL_MARKER, Job, SLOW_FACTOR, SLOW_MARKER, type JobBehaviour, type OutputPlan } from '../jobs';
import { INPUT_SCHEMA, SIZE_KEY } from '../modelSchema';
import { outputExtension } from '../outputFiles';
import { realisticBytes } from '../outputImages';
import { jsonReply, validationReply, type Reply } from '../replies';
import type { EmulatorState } from '../state';
import { validateBody, type ValidationDetail } from '../validation';

export const DATA_URI_REFUSED = 'Value error, inline data: images are not accepted; each image must be a publicly reachable https URL.';

type Input = { image_urls: string[]; prompt: string; force_single?: boolean; [SIZE_KEY]?: string };

/** The outputs' format, size and weight: the requested size (scaled when the emulator is told to), padded as set. */
function planOutputs(state: EmulatorState, input: Input, behaviour: JobBehaviour): OutputPlan {
  const { modes } = state;
  const size = input[SIZE_KEY] ?? INPUT_SCHEMA.properties[SIZE_KEY].default;
  const m = /^(\d+)x(\d+)/.exec(size)!;
  const requestedWidth = Number(m[1]);
  const requestedHeight = Number(m[2]);
  const scale = modes.outputScale ?? 1;
  const width = Math.max(1, Math.round(requestedWidth * scale));
  const height = Math.max(1, Math.round(requestedHeight * scale));
  const format = state.format;
  const weight = modes.outputWeight === 'realistic' ? realisticBytes(format, width, height) : 0;
  const padBytes = behaviour.padBytes ?? Math.max(modes.outputPadBytes ?? 0, weight);
  const singleOutput = behaviour.singleOutput ?? modes.singleOutput ?? 'image';
  return { format, width, height, requestedWidth, requestedHeight, padBytes, singleOutput };
}

async function imageProblems(state: EmulatorState, refs: readonly string[]): Promise<ValidationDetail[]> {
  const details: ValidationDetail[] = [];
  if (state.modes.refuseDataUris) {
    refs.forEach((ref, i) => {
      if (/^data:/i.test(ref)) {
        details.push({ type: 'value_error', loc: ['body', 'image_urls', i], msg: DATA_URI_REFUSED, input: `${ref.slice(0, 40)}…`, ctx: { error: {} } });
      }
    });
    if (details.length > 0) return details;
  }
  const errors = await Promise.all(refs.map((ref) => checkImageRef(ref)));
  errors.forEach((msg, i) => {
    if (msg) details.push({ type: 'value_error', loc: ['body', 'image_urls', i], msg, ctx: { error: msg } });
  });
  return details;
}

export async function submitRoute(state: EmulatorState, req: http.IncomingMessage, text: { text: string } | { tooLarge: true }): Promise<Reply> {
  if ('tooLarge' in text) return jsonReply(413, { detail: 'Request body too large' });
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  let body: unknown;
  if (contentType && !contentType.includes('json')) {
    return validationReply([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }]);
  }
  try {
    body = JSON.parse(text.text);
  } catch (e) {
    return validationReply([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', ctx: { error: e instanceof Error ? e.message : String(e) } }]);
  }
  const details = validateBody(body);
  if (details.length > 0) return validationReply(details);

  const input = body as Input;
  const imageDetails = await imageProblems(state, input.image_urls);
  if (imageDetails.length > 0) return validationReply(imageDetails);
  if (state.closed) return jsonReply(503, { detail: 'Service Unavailable' });

  const { modes, clock } = state;
  const behaviour = state.behaviours.shift() ?? {};
  const slow = input.prompt.includes(SLOW_MARKER) ? SLOW_FACTOR : 1;
  const plan = planOutputs(state, input, behaviour);
  const outputs = behaviour.outputs ?? (input.force_single === true ? 1 : (modes.outputCount ?? 2));
  const requestId = randomUUID();
  const ext = outputExtension(plan.format);
  const job = new Job(clock, {
    seq: ++state.seq,
    requestId,
    body,
    submittedAt: clock.now(),
    queueMs: (behaviour.queueMs ?? modes.queueMs ?? 3000) * slow,
    runMs: (behaviour.runMs ?? modes.runMs ?? 5000) * slow,
    outputs,
    error: behaviour.fail !== undefined ? behaviour.fail : input.prompt.includes(FAIL_MARKER) ? { ...DEFAULT_FAILURE } : undefined,
    behaviour,
    outputUrls: Array.from({ length: outputs }, (_, n) => `${state.baseUrl}/files/${requestId}/${n}.${ext}`),
    plan,
  });
  state.jobs.set(requestId, job);
  state.stats.jobsCreated += 1;
  return jsonReply(200, { request_id: requestId, ...state.urlsFor(requestId) });
}
