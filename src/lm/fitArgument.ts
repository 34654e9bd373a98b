// The `fit` argument's values and check, kept apart so the shared edit argument parser can take them over whole.
import { t } from '../common/l10n';

export const FIT_MODES = ['auto', 'pad', 'crop', 'off'] as const;

/** Why `fit` cannot be used, or undefined when it is absent or one of the modes. */
export function fitProblem(fit: unknown): string | undefined {
  if (fit === undefined || (typeof fit === 'string' && (FIT_MODES as readonly string[]).includes(fit))) return undefined;
  return t('"fit" must be one of {0}; {1} is not.', FIT_MODES.map((m) => `'${m}'`).join(', '), JSON.stringify(fit) ?? String(fit));
}
