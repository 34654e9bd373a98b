// Maps a method and path to the API route it is on, or to the answer for a path that is on none.
import type { ApiRoute } from './faults';
import { EMULATED_MODEL_ID } from './modelSchema';
import { errorReply, jsonReply, type Reply } from './replies';

export const MODEL_PATH = `/v1/models/${EMULATED_MODEL_ID}`;

export type Matched = { route: ApiRoute; requestId?: string; fileName?: string } | { route: undefined; reply: Reply; needsAuth: boolean };

export function matchRoute(method: string, path: string): Matched {
  const methodNotAllowed = (): Matched => ({ route: undefined, reply: jsonReply(405, { detail: 'Method Not Allowed' }), needsAuth: false });
  if (path === MODEL_PATH) {
    if (method === 'POST') return { route: 'submit' };
    if (method === 'GET') return { route: 'model' };
    return methodNotAllowed();
  }
  if (path.startsWith('/v1/models/')) {
    return { route: undefined, reply: errorReply(400, 400001, `Invalid model id: ${decodeURIComponent(path.slice('/v1/models/'.length))}`), needsAuth: true };
  }
  let m = /^\/v1\/requests\/([^/]+)\/(status|result|cancel)$/.exec(path);
  if (m) {
    const requestId = decodeURIComponent(m[1]);
    const action = m[2] as 'status' | 'result' | 'cancel';
    if ((action === 'cancel') !== (method === 'POST')) return methodNotAllowed();
    return { route: action, requestId };
  }
  m = /^\/files\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed();
    return { route: 'download', requestId: decodeURIComponent(m[1]), fileName: decodeURIComponent(m[2]) };
  }
  return { route: undefined, reply: jsonReply(404, { detail: 'Not Found' }), needsAuth: false };
}
