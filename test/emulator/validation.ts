// Checks a submit body against the model's input schema and words the refusals the way the service (FastAPI) does.
import { MAX_IMAGES, MAX_PROMPT_CHARS, MIN_IMAGES, SIZE_KEY, SIZE_VALUES, INPUT_SCHEMA } from './modelSchema';

/** One item of a FastAPI 422 `detail` array. */
export interface ValidationDetail {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

const KNOWN_KEYS = new Set(Object.keys(INPUT_SCHEMA.properties));

/** Echoes small scalar inputs only: echoing a 20 MB data URI back would help nobody. */
function echo(value: unknown): { input?: unknown } {
  if (typeof value === 'string') return { input: value.length > 200 ? `${value.slice(0, 200)}…` : value };
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return { input: value };
  return {};
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every schema violation of `body`, in the order pydantic reports them; empty when the body is valid. */
export function validateBody(body: unknown): ValidationDetail[] {
  if (!isPlainObject(body)) {
    return [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        ...echo(body),
      },
    ];
  }
  const details: ValidationDetail[] = [];

  const images = body.image_urls;
  if (!('image_urls' in body)) {
    details.push({ type: 'missing', loc: ['body', 'image_urls'], msg: 'Field required' });
  } else if (!Array.isArray(images)) {
    details.push({ type: 'list_type', loc: ['body', 'image_urls'], msg: 'Input should be a valid list', ...echo(images) });
  } else {
    images.forEach((item, i) => {
      if (typeof item !== 'string') {
        details.push({ type: 'string_type', loc: ['body', 'image_urls', i], msg: 'Input should be a valid string', ...echo(item) });
      }
    });
    if (images.length < MIN_IMAGES) {
      details.push({
        type: 'too_short',
        loc: ['body', 'image_urls'],
        msg: `List should have at least ${MIN_IMAGES} item after validation, not ${images.length}`,
        ctx: { field_type: 'List', min_length: MIN_IMAGES, actual_length: images.length },
      });
    } else if (images.length > MAX_IMAGES) {
      details.push({
        type: 'too_long',
        loc: ['body', 'image_urls'],
        msg: `List should have at most ${MAX_IMAGES} items after validation, not ${images.length}`,
        ctx: { field_type: 'List', max_length: MAX_IMAGES, actual_length: images.length },
      });
    }
  }

  const prompt = body.prompt;
  if (!('prompt' in body)) {
    details.push({ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' });
  } else if (typeof prompt !== 'string') {
    details.push({ type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string', ...echo(prompt) });
  } else if ([...prompt].length > MAX_PROMPT_CHARS) {
    // Python counts code points, not UTF-16 units.
    details.push({
      type: 'string_too_long',
      loc: ['body', 'prompt'],
      msg: `String should have at most ${MAX_PROMPT_CHARS} characters`,
      ...echo(prompt),
      ctx: { max_length: MAX_PROMPT_CHARS },
    });
  }

  if (SIZE_KEY in body) {
    const size = body[SIZE_KEY];
    if (typeof size !== 'string' || !SIZE_VALUES.includes(size)) {
      const expected = SIZE_VALUES.map((v) => `'${v}'`);
      const list = `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`;
      details.push({ type: 'enum', loc: ['body', SIZE_KEY], msg: `Input should be ${list}`, ...echo(size), ctx: { expected: list } });
    }
  }

  if ('scale' in body) {
    const scale = body.scale;
    if (typeof scale !== 'number' || !Number.isFinite(scale)) {
      details.push({ type: 'float_type', loc: ['body', 'scale'], msg: 'Input should be a valid number', ...echo(scale) });
    } else if (scale < 0) {
      details.push({ type: 'greater_than_equal', loc: ['body', 'scale'], msg: 'Input should be greater than or equal to 0', input: scale, ctx: { ge: 0 } });
    } else if (scale > 1) {
      details.push({ type: 'less_than_equal', loc: ['body', 'scale'], msg: 'Input should be less than or equal to 1', input: scale, ctx: { le: 1 } });
    }
  }

  if ('force_single' in body && typeof body.force_single !== 'boolean') {
    details.push({ type: 'bool_type', loc: ['body', 'force_single'], msg: 'Input should be a valid boolean', ...echo(body.force_single) });
  }

  for (const key of Object.keys(body)) {
    if (!KNOWN_KEYS.has(key)) {
      details.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', ...echo(body[key]) });
    }
  }
  return details;
}
