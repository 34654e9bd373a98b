// What a saved result carries inside the file: the prompt, and its options in the "parameters" layout generation UIs read.
import type { PromptPayload } from '../imaging/embedStream';
import type { SidecarData } from './sidecar';

/** A value as the parameters line writes it: quoted (JSON) when it holds a comma, colon or line break, as readers expect. */
function value(v: string | number | boolean): string {
  const text = String(v);
  return /[,:\n"]/.test(text) ? JSON.stringify(text) : text;
}

/**
 * "prompt\nModel: …, Size: "2048x2048(1:1)", Scale: 0.5, Force single: false, Request ID: …". Only what describes the
 * picture: no inputs (local paths), no URLs, no cost.
 */
export function parametersText(data: SidecarData): string {
  const fields: Array<[string, string | number | boolean | undefined]> = [
    ['Model', data.model],
    ['Size', data.size],
    ['Scale', data.scale],
    ['Force single', data.forceSingle],
    ['Request ID', data.requestId],
  ];
  const line = fields.filter((f): f is [string, string | number | boolean] => f[1] !== undefined).map(([k, v]) => `${k}: ${value(v)}`);
  return `${data.prompt}\n${line.join(', ')}`;
}

export function promptPayload(data: SidecarData): PromptPayload {
  return { parameters: parametersText(data), description: data.prompt };
}
