// Translation for pure code: `t` formats `{0}`-style messages; each bundle plugs in VS Code's l10n at start.
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** The English text with its `{0}`, `{1}`… placeholders filled in. */
export function formatMessage(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

let translate: Translate = formatMessage;

/** Every user-facing sentence goes through here, so the extension speaks the user's language (English, Russian). */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  return translate(message, ...args);
}

export function setTranslator(fn: Translate): void {
  translate = fn;
}
