// Entry of the image worker thread (its own bundle, dist/imageWorker.js): runs one transform per message, off the extension host's event loop.
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from '../fitTypes';
import { DecodeError, transform } from './transform';

const port = parentPort;
if (!port) throw new Error('imageWorker.js must run as a worker thread');

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    let reply: WorkerReply;
    try {
      const output = await transform(request.input, request.job, __dirname);
      reply = { id: request.id, ok: true, output };
      port.postMessage(reply, [output.bytes.buffer as ArrayBuffer]);
      return;
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      reply = { id: request.id, ok: false, reason: e instanceof DecodeError ? 'decode' : /memory|allocation/i.test(detail) ? 'tooLarge' : 'internal', detail };
    }
    port.postMessage(reply);
  })();
});
