// One wording for durations and money, used by every view (status bar, job list, panel, wizard).
import { formatNumber, t, tn } from './l10n';

/** "0:07", "12:34", "1:02:03": a running clock rather than words, so it does not jump in width each second. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "$0.06", "$0.035", "$1.20" (Russian «$0,06»): cents always, a third decimal only when it carries something. */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return '';
  const text = formatNumber(Math.abs(amount), { minimumFractionDigits: 2, maximumFractionDigits: 3 });
  return `${amount < 0 ? '-' : ''}$${text}`;
}

/** "$0.06 — 2 images × $0.03" for a cost and the number of images it paid for; just "$0.06" when the count is unknown. */
export function costText(cost: number, images?: number): string {
  const total = formatUsd(cost);
  if (!images || images < 1) return total;
  return tn(images, '{1} — {0} image × {2}|{1} — {0} images × {2}', total, formatUsd(cost / images));
}

/** "Spent today $0.06 · this month $1.23": what RunComfy has charged, as the status bar, job list and panel show it. */
export function spendingText(totals: { today: number; month: number }): string {
  return t('Spent today {0} · this month {1}', formatUsd(totals.today), formatUsd(totals.month));
}

/** "$0.03 per image": the model's price before anything is spent. */
export function unitPriceText(price: number): string {
  return t('{0} per image', formatUsd(price));
}

/**
 * The model's price as its metadata gives it (0.03 or "$0.03", "per image"), in the display language («$0,03 за
 * изображение»); a unit this wording does not know keeps RunComfy's text. Undefined when there is no price.
 */
export function modelPriceText(basePrice: unknown, unit?: string | null): string | undefined {
  const price = parsePrice(basePrice);
  if (price === undefined) return typeof basePrice === 'string' && basePrice.trim() ? `${basePrice.trim()} ${unit?.trim() ?? ''}`.trim() : undefined;
  const u = unit?.trim();
  return !u || /^(?:per|\/)\s*(?:(?:output\s+)?images?|outputs?|(?:1|one)\s+images?)$/i.test(u) ? unitPriceText(price) : `${formatUsd(price)} ${u}`;
}

/** A price as the model metadata gives it (a number, or a string of one such as "0.03", "$0.03" or "0.03 USD"), or undefined when it is not a price. */
export function parsePrice(value: unknown): number | undefined {
  const text = typeof value === 'string' ? /^\s*(?:US)?\$?\s*(\d+(?:\.\d+)?)\s*(?:USD)?\s*$/i.exec(value)?.[1] : undefined;
  const n = text !== undefined ? Number(text) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}
