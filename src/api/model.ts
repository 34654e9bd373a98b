// The model's fixed facts (id, base URL, sizes, limits) without zod, so light modules can use them.
import { t, tn } from '../common/l10n';

export const MODEL_ID = 'bytedance/dreamina-4-0/edit';
export const DEFAULT_BASE_URL = 'https://model-api.runcomfy.net';

/** The request key for the output size: it contains U+00D7 MULTIPLICATION SIGN, not the letter x. */
export const SIZE_KEY = 'width\u00d7height';

export const SIZE_OPTIONS = [
  '1024x1024(1:1)',
  '2048x2048(1:1)',
  '2304x1728(4:3)',
  '2496x1664(3:2)',
  '2560x1440(16:9)',
  '3024x1296(21:9)',
  '4096x4096(1:1)',
  '4694x3520(4:3)',
  '4992x3328(3:2)',
  '5404x3040(16:9)',
  '6198x2656(21:9)',
] as const;
export type SizeOption = (typeof SIZE_OPTIONS)[number];

export const DEFAULT_SIZE: SizeOption = '2048x2048(1:1)';
export const DEFAULT_SCALE = 0.5;
export const MAX_IMAGES = 10;
export const MAX_PROMPT_LENGTH = 800;
/** The largest image file RunComfy takes (15 MB); pasted and dropped images are held to it before they are saved. */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/** The prompt's length as the API's JSON Schema `maxLength` counts it: Unicode code points (an emoji is one). */
export function promptLength(prompt: string): number {
  let n = 0;
  for (const _ of prompt) n += 1;
  return n;
}

const RATIO_NAMES: Record<string, () => string> = {
  '1:1': () => t('square'),
  '4:3': () => t('4:3 landscape'),
  '3:2': () => t('3:2 landscape'),
  '16:9': () => t('16:9 widescreen'),
  '21:9': () => t('21:9 ultrawide'),
};

/** "2048 × 2048 — square" for "2048x2048(1:1)". */
export function sizeLabel(option: string): string {
  const m = /^(\d+)x(\d+)\(([\d:]+)\)$/.exec(option);
  if (!m) return option;
  return `${m[1]} × ${m[2]} — ${RATIO_NAMES[m[3]]?.() ?? m[3]}`;
}

/** The options a user chooses, in the project's own spelling; `toEditRequest` turns them into the wire body. */
export interface EditOptions {
  size?: SizeOption;
  scale?: number;
  forceSingle?: boolean;
}

/** Why a prompt cannot be sent, or undefined when it can; shared by the input box, the panel and the automation API. */
export function promptProblem(prompt: unknown): string | undefined {
  if (typeof prompt !== 'string' || prompt.trim().length === 0) return t('Write a prompt that describes the edit.');
  const length = promptLength(prompt);
  if (length > MAX_PROMPT_LENGTH) {
    return tn(length, 'The prompt is {0} character long; the limit is {1}.|The prompt is {0} characters long; the limit is {1}.', MAX_PROMPT_LENGTH);
  }
  return undefined;
}

/** Accepts the exact option ("2048x2048(1:1)"), its plain size ("2048x2048", "2048×2048") or its label. */
export function parseSize(value: string): SizeOption | undefined {
  const v = value.trim().toLowerCase().replace(/\s+/g, '').replace(/[×*]/g, 'x');
  for (const option of SIZE_OPTIONS) {
    const plain = option.slice(0, option.indexOf('('));
    if (v === option.toLowerCase() || v === plain || v === sizeLabel(option).toLowerCase().replace(/\s+/g, '').replace(/×/g, 'x')) return option;
  }
  return undefined;
}

export function scaleProblem(scale: unknown): string | undefined {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || scale > 1) {
    return t('The scale must be a number from 0 to 1 (got {0}).', JSON.stringify(scale) ?? String(scale));
  }
  return undefined;
}
