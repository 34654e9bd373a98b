// The panel's link to the extension host: typed posting of FromWebview messages and the webview's own saved view state.
import type { FromWebview } from '../protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostLink {
  post: (message: FromWebview) => void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** acquireVsCodeApi may be called only once per page, so the panel makes one link and passes it around. */
export function connectToHost(): HostLink {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
