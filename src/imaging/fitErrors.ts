// The typed refusal of images whose aspect ratio is out of range, so a UI can offer Pad or Crop instead of only an error.
import { InputError } from '../api/errors';
import type { FitProblem } from './fitLocalFile';

export interface AspectOffender {
  /** The file name, as in the problem's message. */
  subject: string;
  path: string;
  width: number;
  height: number;
}

/** Every problem found is an aspect ratio that `fit: 'pad'` or `fit: 'crop'` would fix; nothing was sent. */
export class AspectRatioChoiceError extends InputError {
  constructor(
    readonly problems: readonly FitProblem[],
    readonly offenders: readonly AspectOffender[],
  ) {
    super(problems[0].subject, 'aspectRatio', problems.map((p) => p.message).join(' '));
  }
}

/** The choice error when Pad or Crop would resolve every problem, else undefined (the caller throws its usual error). */
export function aspectChoiceError(
  problems: readonly { rule: string; subject: string; message: string }[],
  offenders: readonly AspectOffender[],
): AspectRatioChoiceError | undefined {
  if (offenders.length === 0 || problems.length !== offenders.length || !problems.every((p) => p.rule === 'aspectRatio')) return undefined;
  return new AspectRatioChoiceError(problems as FitProblem[], offenders);
}
