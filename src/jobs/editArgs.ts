// Validates the `runcomfy.edit` automation argument and turns each image string into a URL or an absolute file input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../api/errors';
import { type EditOptions, MAX_IMAGES, SIZE_OPTIONS, parseSize, promptProblem, scaleProblem } from '../api/model';
import { t, tn } from '../common/l10n';
import { FIT_MODES, type FitMode, isFitMode } from '../imaging/fitTypes';
import type { InputRef } from './inputChecks';

export interface EditArgs {
  images: string[];
  prompt: string;
  size?: string;
  scale?: number;
  forceSingle?: boolean;
  wait?: boolean;
  fit?: FitMode;
}

export interface ParsedEditArgs {
  refs: InputRef[];
  prompt: string;
  options: EditOptions;
  wait: boolean;
  /** How local images are fitted; the setting decides when left out. */
  fit?: FitMode;
}

function fail(subject: string, rule: string, sentence: string): never {
  throw new InputError(subject, rule, sentence);
}

/** Is this value meant as the automation argument (rather than an Explorer URI or nothing)? */
export function looksLikeEditArgs(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && ('images' in value || 'prompt' in value);
}

/**
 * Resolves one image string: an http(s) URL stays a URL; a file: URI, an absolute path, or a path relative to one of
 * the workspace folders becomes a file input.
 */
export function resolveImage(value: string, workspaceFolders: readonly string[]): InputRef {
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) return { kind: 'url', url: v };
  if (/^file:\/\//i.test(v)) {
    try {
      return { kind: 'file', path: fileURLToPath(v) };
    } catch {
      fail(v, 'url', t('"{0}" is not a valid file URI.', v));
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^data:/i.test(v)) {
    fail(v, 'url', t('"{0}" is not supported: give an https:// URL, a file URI, or a path to a workspace file.', v.slice(0, 60)));
  }
  if (path.isAbsolute(v)) return { kind: 'file', path: path.normalize(v) };
  for (const folder of workspaceFolders) {
    const candidate = path.resolve(folder, v);
    if (fs.existsSync(candidate)) return { kind: 'file', path: candidate };
  }
  if (workspaceFolders.length === 0) fail(v, 'missing', t('"{0}" is a relative path, but no workspace folder is open to resolve it against.', v));
  fail(v, 'missing', t('"{0}" was not found in the workspace folders.', v));
}

export function parseEditArgs(raw: unknown, workspaceFolders: readonly string[]): ParsedEditArgs {
  if (!looksLikeEditArgs(raw)) {
    fail('arguments', 'arguments', t('runcomfy.edit expects an object like {0}.', '{ images: string[], prompt: string, size?, scale?, forceSingle?, wait?, fit? }'));
  }
  const { images } = raw;
  if (!Array.isArray(images) || images.length === 0) fail('images', 'count', t('"images" must be a list of 1 to {0} image URLs or paths.', MAX_IMAGES));
  if (images.length > MAX_IMAGES) fail('images', 'count', tn(images.length, '{0} image was given; at most {1} can be sent in one edit.|{0} images were given; at most {1} can be sent in one edit.', MAX_IMAGES));
  if (!images.every((i): i is string => typeof i === 'string' && i.trim() !== '')) {
    fail('images', 'type', t('Every entry of "images" must be a non-empty string (an https URL, a file URI or a path).'));
  }
  const fields = parseEditFields(raw);
  return { refs: images.map((i) => resolveImage(i, workspaceFolders)), ...fields };
}

/** The fields every edit-like argument object shares (prompt, size, scale, forceSingle, wait, fit), in the same sentences. */
export function parseEditFields(raw: Record<string, unknown>): Omit<ParsedEditArgs, 'refs'> {
  const { prompt, size, scale, forceSingle, wait, fit } = raw;
  const problem = promptProblem(prompt);
  if (problem) fail('prompt', 'prompt', problem);
  const options: EditOptions = {};
  if (size !== undefined) {
    const parsed = typeof size === 'string' ? parseSize(size) : undefined;
    if (!parsed) fail('size', 'size', t('"{0}" is not a size this model offers. Use one of: {1}.', typeof size === 'string' ? size : String(JSON.stringify(size)), SIZE_OPTIONS.join(', ')));
    options.size = parsed;
  }
  if (scale !== undefined) {
    const sp = scaleProblem(scale);
    if (sp) fail('scale', 'scale', sp);
    options.scale = scale as number;
  }
  if (forceSingle !== undefined) {
    if (typeof forceSingle !== 'boolean') fail('forceSingle', 'forceSingle', t('"{0}" must be true or false.', 'forceSingle'));
    options.forceSingle = forceSingle;
  }
  if (wait !== undefined && typeof wait !== 'boolean') fail('wait', 'wait', t('"{0}" must be true or false.', 'wait'));
  if (fit !== undefined && !isFitMode(fit)) {
    fail('fit', 'fit', t('"fit" must be one of {0}; {1} is not.', FIT_MODES.map((m) => `'${m}'`).join(', '), String(JSON.stringify(fit))));
  }
  return {
    prompt: prompt as string,
    options,
    wait: wait === true,
    ...(fit !== undefined ? { fit: fit } : {}),
  };
}
