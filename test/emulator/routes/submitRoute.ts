// POST /v1/models/{model}: validates the body as the service does and creates a job on the emulator clock.
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { checkImageRef } from '../imageChecks';
import { DEFAULT_FAILURE, FAIL_MARKER, Job, SLOW_FACTOR, SLOW_MARKER } from '../jobs';
import { outputExtension } from '../outputFiles';
import { jsonReply, validationReply, type Reply } from '../replies';
import type { EmulatorState } from '../state';
import { validateBody, type ValidationDetail } from '../validation';

export async function submitRoute(state: EmulatorState, req: http.IncomingMessage, text: { text: string } | { tooLarge: true }): Promise<Reply> {
  if ('tooLarge' in text) return jsonReply(413, { detail: 'Request body too large' });
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  let body: unknown;
  if (contentType && !contentType.includes('json')) {
    return validationReply([
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' },
    ]);
  }
  try {
    body = JSON.parse(text.text);
  } catch (e) {
    return validationReply([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', ctx: { error: e instanceof Error ? e.message : String(e) } }]);
  }
  const details = validateBody(body);
  if (details.length > 0) return validationReply(details);

  const input = body as { image_urls: string[]; prompt: string; force_single?: boolean };
  const imageErrors = await Promise.all(input.image_urls.map((ref) => checkImageRef(ref)));
  const imageDetails: ValidationDetail[] = [];
  imageErrors.forEach((msg, i) => {
    if (msg) imageDetails.push({ type: 'value_error', loc: ['body', 'image_urls', i], msg, ctx: { error: msg } });
  });
  if (imageDetails.length > 0) return validationReply(imageDetails);
  if (state.closed) return jsonReply(503, { detail: 'Service Unavailable' });

  const { options, clock } = state;
  const behaviour = state.behaviours.shift() ?? {};
  const slow = input.prompt.includes(SLOW_MARKER) ? SLOW_FACTOR : 1;
  const queueMs = (behaviour.queueMs ?? options.queueMs ?? 3000) * slow;
  const runMs = (behaviour.runMs ?? options.runMs ?? 5000) * slow;
  const outputs = behaviour.outputs ?? (input.force_single === true ? 1 : (options.outputCount ?? 2));
  const error = behaviour.fail !== undefined ? behaviour.fail : input.prompt.includes(FAIL_MARKER) ? { ...DEFAULT_FAILURE } : undefined;
  const id = randomUUID();
  const ext = outputExtension(state.format);
  const outputUrls = Array.from({ length: outputs }, (_, n) => `${state.baseUrl}/files/${id}/${n}.${ext}`);
  const job = new Job(clock, ++state.seq, id, body, clock.now(), queueMs, runMs, outputs, error, behaviour, outputUrls);
  state.jobs.set(id, job);
  state.stats.jobsCreated += 1;
  return jsonReply(200, { request_id: id, ...state.urlsFor(id) });
}
