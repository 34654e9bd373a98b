// The model's published input and output schemas, verbatim from its API page, plus the emulated model's identity.

export const EMULATED_MODEL_ID = 'bytedance/dreamina-4-0/edit';

/** The input schema exactly as the API page gives it (its title is in Russian there). */
export const INPUT_SCHEMA = {
  type: 'object',
  title: 'Схема входа',
  required: ['image_urls', 'prompt'],
  properties: {
    image_urls: {
      title: 'Images',
      description:
        'Only JPEG and PNG formats are supported; JPEG is recommended. Supports 1–10 images; larger or more images increase processing time. Recommended to use no more than 6 images; too many reference images may reduce quality.',
      type: 'array',
      items: {
        type: 'string',
        format: 'image_uri',
      },
      validations: [
        {
          validation_rule: 'file_size_mb<=',
          validation_value: 15,
          validation_error: 'Each image file must be ≤ 15 MB.',
        },
        {
          validation_rule: 'width_pixels<=',
          validation_value: 4096,
          validation_error: 'Maximum resolution is 4096x4096.',
        },
        {
          validation_rule: 'height_pixels<=',
          validation_value: 4096,
          validation_error: 'Maximum resolution is 4096x4096.',
        },
        {
          validation_rule: 'width/height≥',
          validation_value: '0.33',
          validation_error: 'The input image aspect ratio must be within [1/3, 3].',
        },
        {
          validation_rule: 'width/height≤',
          validation_value: '3',
          validation_error: 'The input image aspect ratio must be within [1/3, 3].',
        },
      ],
      maxItems: 10,
      minItems: 1,
      default: [
        'https://playgrounds-storage-public.runcomfy.net/tools/7002/media-files/usecase5-1-1-input.jpg',
        'https://playgrounds-storage-public.runcomfy.net/tools/7002/media-files/usecase5-1-2-input.jpg',
      ],
    },
    prompt: {
      title: 'prompt',
      description: '',
      type: 'string',
      maxLength: 800,
      default: 'A beautiful girl is sitting on the boat',
    },
    'width×height': {
      title: 'Aspect Ratio (W:H)',
      description: '',
      type: 'string',
      enum: [
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
      ],
      default: '2048x2048(1:1)',
    },
    scale: {
      title: 'Scale',
      description: 'Controls how strongly the text prompt influences the result relative to input images. Higher values increase text influence.',
      type: 'float',
      minimum: 0,
      maximum: 1,
      default: 0.5,
    },
    force_single: {
      title: 'Force Single Image',
      description:
        'Whether to force generation of a single image. More images per set increase latency; for stability, specify group count/resolution or pass width and height.',
      type: 'boolean',
      default: false,
    },
  },
} as const;

/** The output schema from the same page (descriptions translated). */
export const OUTPUT_SCHEMA = {
  output: {
    type: 'object',
    properties: {
      image: { type: 'string', format: 'uri', description: 'URL of one image' },
      video: { type: 'string', format: 'uri', description: 'URL of one video' },
      images: { type: 'array', description: 'several image URLs', items: { type: 'string', format: 'uri' } },
      videos: { type: 'array', description: 'several video URLs', items: { type: 'string', format: 'uri' } },
    },
  },
} as const;

/** The size key: it holds U+00D7 MULTIPLICATION SIGN, not the letter x. */
export const SIZE_KEY = 'width\u00d7height';
export const SIZE_VALUES: readonly string[] = INPUT_SCHEMA.properties['width×height'].enum;
export const MAX_IMAGES = INPUT_SCHEMA.properties.image_urls.maxItems;
export const MIN_IMAGES = INPUT_SCHEMA.properties.image_urls.minItems;
export const MAX_PROMPT_CHARS = INPUT_SCHEMA.properties.prompt.maxLength;
