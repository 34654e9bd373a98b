// Validates the `runcomfy.editBatch` automation argument with the same sentences as `runcomfy.edit` wherever the two share a field.
import { InputError } from '../api/errors';
import { t, tn } from '../common/l10n';
import { type ParsedEditArgs, parseEditFields, resolveImage } from '../jobs/editArgs';
import type { InputRef } from '../jobs/inputChecks';
import { MAX_BATCH_ITEMS, MAX_CONCURRENCY, MAX_REFERENCES, MIN_CONCURRENCY } from './batch';

export interface ParsedBatchArgs extends Omit<ParsedEditArgs, 'refs'> {
  /** Absolute paths of image files and folders (folders are expanded later). */
  images: string[];
  references: InputRef[];
  /** When left out, the runcomfy.batchConcurrency setting decides. */
  concurrency?: number;
}

const SHAPE = '{ images: string[], references?: string[], prompt: string, size?, scale?, forceSingle?, fit?, concurrency?, wait? }';

function fail(subject: string, rule: string, sentence: string): never {
  throw new InputError(subject, rule, sentence);
}

function strings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '');
}

export function parseBatchArgs(raw: unknown, workspaceFolders: readonly string[]): ParsedBatchArgs {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('arguments', 'arguments', t('runcomfy.editBatch expects an object like {0}.', SHAPE));
  const args = raw as Record<string, unknown>;
  const { images, references, concurrency } = args;
  if (!Array.isArray(images) || images.length === 0) fail('images', 'count', t('"images" must be a list of image files or folders (paths or file URIs).'));
  if (images.length > MAX_BATCH_ITEMS) fail('images', 'count', tn(images.length, '{0} image was given; a batch holds at most {1}.|{0} images were given; a batch holds at most {1}.', MAX_BATCH_ITEMS));
  if (!strings(images)) fail('images', 'type', t('Every entry of "images" must be a non-empty string (a file URI or a path).'));
  if (references !== undefined) {
    if (!Array.isArray(references) || references.length > MAX_REFERENCES) fail('references', 'count', t('"references" must be a list of at most {0} image URLs or paths.', MAX_REFERENCES));
    if (!strings(references)) fail('references', 'type', t('Every entry of "references" must be a non-empty string (an https URL, a file URI or a path).'));
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && (concurrency as number) >= MIN_CONCURRENCY && (concurrency as number) <= MAX_CONCURRENCY)) {
    fail('concurrency', 'concurrency', t('"concurrency" must be a whole number from {0} to {1}.', MIN_CONCURRENCY, MAX_CONCURRENCY));
  }
  const fields = parseEditFields(args);
  const paths = images.map((image) => {
    const ref = resolveImage(image, workspaceFolders);
    if (ref.kind !== 'file') fail(image, 'url', t('"{0}" is a URL; the images of a batch are workspace files or folders (URLs can be references).', image.slice(0, 60)));
    return ref.path;
  });
  return {
    ...fields,
    images: paths,
    references: (references ?? []).map((r) => resolveImage(r, workspaceFolders)),
    ...(concurrency !== undefined ? { concurrency: concurrency as number } : {}),
  };
}
