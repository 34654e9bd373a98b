// One line saying what a local image is and what is sent instead: "8064×6048 HEIC, 14.2 MB → 4096×3072 JPEG, 2.9 MB, location removed".
import { t } from '../common/l10n';
import { formatLabel } from './formats';
import type { FitChange, FitReport, ImageSide } from './fitTypes';

/** Megabytes with one decimal, as photos are spoken of; below 1 MB whole kilobytes, so a small file never reads "0.0 MB". */
function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? t('{0} MB', (bytes / (1024 * 1024)).toFixed(1)) : t('{0} KB', Math.max(1, Math.ceil(bytes / 1024)));
}

function side(image: ImageSide): string {
  const size = sizeText(image.bytes);
  return image.width > 0 ? `${image.width}×${image.height} ${formatLabel(image.format)}, ${size}` : `${formatLabel(image.format)}, ${size}`;
}

function ratio(width: number, height: number): string {
  return width >= height ? `${+(width / height).toFixed(2)}:1` : `1:${+(height / width).toFixed(2)}`;
}

/** The changes a reader cannot see from the two sides (sizes and formats already say "shrunk" and "converted"). */
function changeWords(report: FitReport): string[] {
  const words: string[] = [];
  const has = (change: FitChange) => report.changes.includes(change);
  if (has('rotated')) words.push(t('turned upright'));
  if (has('padded')) words.push(t('padded to {0}', ratio(report.sent.width, report.sent.height)));
  if (has('cropped')) words.push(t('cropped to {0}', ratio(report.sent.width, report.sent.height)));
  if (has('colourConverted')) words.push(t('converted to sRGB'));
  if (has('locationRemoved') && has('metadataRemoved')) words.push(t('location and other metadata removed'));
  else if (has('locationRemoved')) words.push(t('location removed'));
  else if (has('metadataRemoved')) words.push(t('metadata removed'));
  return words;
}

/** What will be (or was) sent for one local image, in one line. */
export function fitSummaryText(report: FitReport): string {
  if (report.changes.length === 0) return t('{0}, sent as it is', side(report.original));
  return [`${side(report.original)} → ${side(report.sent)}`, ...changeWords(report)].join(', ');
}

/** The kinds of data removed, as a sidecar records them. */
export function removedData(changes: readonly FitChange[]): string[] {
  const removed: string[] = [];
  if (changes.includes('locationRemoved')) removed.push('location');
  if (changes.includes('metadataRemoved')) removed.push('metadata');
  return removed;
}
