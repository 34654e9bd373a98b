// What an image card learns from fitting: its facts, its one-line "what is sent", and the aspect problem Pad or Crop fixes.
import { t } from '../common/l10n';
import type { ImageSide } from '../imaging/fitTypes';
import { fitSummaryText } from '../imaging/fitSummary';
import type { ImageFacts, InputProblem } from '../jobs/inputChecks';
import type { FilePlan } from '../jobs/inputs';
import type { DraftImage } from './draft';

function ratioText(width: number, height: number): string {
  return width >= height ? `${+(width / height).toFixed(2)}:1` : `1:${+(height / width).toFixed(2)}`;
}

function factsOf(side: ImageSide): ImageFacts {
  return {
    format: side.format === 'png' || side.format === 'jpeg' ? side.format : 'other',
    bytes: side.bytes,
    ...(side.width > 0 ? { width: side.width, height: side.height } : {}),
  };
}

/** The card's own wording: the Pad and Crop buttons are right beside it, so it names them rather than a setting. */
export function aspectProblem(subject: string, aspect: { width: number; height: number }): InputProblem {
  return {
    rule: 'aspectRatio',
    subject,
    message: t(
      '{0} is {1} ({2}×{3}); the model accepts 1:3 to 3:1. Choose Pad or Crop to send it.',
      subject,
      ratioText(aspect.width, aspect.height),
      aspect.width,
      aspect.height,
    ),
  };
}

/** Puts a fitting plan on its card. */
export function applyPlan(image: DraftImage, subject: string, plan: FilePlan): void {
  const original = plan.report?.original ?? plan.original;
  image.facts = original ? factsOf(original) : undefined;
  image.sourceFormat = original?.format;
  image.fitSummary = plan.report ? fitSummaryText(plan.report) : undefined;
  image.canFit = !!plan.aspect;
  image.problems = plan.aspect ? [aspectProblem(subject, plan.aspect)] : plan.problems;
  image.checking = false;
}
