// GET/HEAD /files/{request_id}/{n}.png|jpg: output files on the emulated storage host, with byte ranges, no token.
import { outputExtension } from '../outputFiles';
import { makeSizedOutput } from '../outputImages';
import { notFoundRequest, type Reply } from '../replies';
import type { EmulatorState } from '../state';

export function downloadRoute(state: EmulatorState, id: string, fileName: string, range: string | undefined): Reply {
  const job = state.jobs.get(id);
  const now = state.clock.now();
  if (!job || job.stateAt(now) !== 'succeeded' || state.isGone(job, now)) return notFoundRequest();
  const m = /^(\d+)\.(png|jpg)$/.exec(fileName);
  if (!m || m[2] !== outputExtension(job.plan.format) || Number(m[1]) >= job.outputs) return notFoundRequest();
  const key = `${id}/${fileName}`;
  let file = state.files.get(key);
  if (!file) {
    file = makeSizedOutput({ requestId: id, index: Number(m[1]), ...job.plan });
    state.files.set(key, file);
  }
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=86400',
  };
  const r = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (r && (r[1] !== '' || r[2] !== '')) {
    let start: number;
    let end: number; // exclusive
    if (r[1] === '') {
      start = Math.max(0, file.size - Number(r[2]));
      end = file.size;
    } else {
      start = Number(r[1]);
      end = r[2] === '' ? file.size : Math.min(file.size, Number(r[2]) + 1);
    }
    if (start >= file.size || start >= end) {
      return { status: 416, headers: { 'content-range': `bytes */${file.size}` }, raw: Buffer.alloc(0) };
    }
    headers['content-range'] = `bytes ${start}-${end - 1}/${file.size}`;
    return { status: 206, headers, file: { body: file, start, end } };
  }
  return { status: 200, headers, file: { body: file, start: 0, end: file.size } };
}
