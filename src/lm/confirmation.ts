// What the chat tool's confirmation shows before money is spent, as Markdown pieces: outside text is only ever code or plain text.
import { markdownBlock, markdownCode } from '../common/plainText';
import { t, tn } from '../common/l10n';

/** A piece of the confirmation: our own Markdown, or text from outside that the adapter appends as plain text. */
export type Segment = { markdown: string } | { text: string };

export interface ConfirmationFacts {
  /** As the user reads them: workspace-relative paths, absolute paths, URLs. */
  images: readonly string[];
  /** Per image, in the same order: what is sent instead of the file after fitting (see fitSummaryText), if known. */
  sentAs?: readonly (string | undefined)[];
  prompt: string;
  size: string;
  scale: number;
  forceSingle: boolean;
  fit?: string;
  /** Where results are saved, as the user reads it. */
  outputFolder: string;
  /** "$0.03 per image"; undefined when the model's price could not be read. */
  price?: string;
}

export function confirmationTitle(imageCount: number): string {
  return tn(imageCount, 'Run a paid Dreamina edit of {0} image?|Run a paid Dreamina edit of {0} images?');
}

export function confirmationSegments(facts: ConfirmationFacts): Segment[] {
  const out: Segment[] = [];
  const md = (markdown: string) => out.push({ markdown });
  md(`**${t('Images sent to RunComfy')}** (${facts.images.length})\n\n`);
  facts.images.forEach((image, i) => {
    md(`- ${markdownCode(image)}`);
    const sentAs = facts.sentAs?.[i];
    if (sentAs) {
      md(`: ${t('sent as')} `);
      out.push({ text: sentAs });
    }
    md('\n');
  });
  md(`\n**${t('Prompt')}**\n\n${markdownBlock(facts.prompt)}\n\n`);
  const options = [
    t('size {0}', markdownCode(facts.size)),
    t('scale {0}', markdownCode(String(facts.scale))),
    facts.forceSingle ? t('exactly one output image') : t('one or more output images'),
    ...(facts.fit ? [t('fit {0}', markdownCode(facts.fit))] : []),
  ];
  md(`**${t('Options')}**: ${options.join(', ')}\n\n`);
  md(`**${t('Results are saved to')}** ${markdownCode(facts.outputFolder)}\n\n`);
  md(`**${t('Price')}**: `);
  out.push({ text: facts.price ?? t("price unknown (the model's price could not be read)") });
  md(`\n\n${t('RunComfy bills every output image. Once the job runs it cannot be cancelled.')}`);
  return out;
}
