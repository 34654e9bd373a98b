// The panel's HTML: strict CSP with a crypto nonce, no network, and the bootstrap state in a data attribute.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PanelState } from '../protocol/messages';

export function nonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A built file's text for a `<style>` or `<script>` element: its closing tag cannot occur inside (esbuild already
 * escapes it in strings; `<\/` means the same there), and its source map, if any, is found by its full webview URL.
 */
function inlineText(text: string, tag: 'style' | 'script', asset: (name: string) => string): string {
  return text
    .replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`)
    .replace(/([#@] sourceMappingURL=)([\w.-]+\.map)(\s*(\*\/)?\s*)$/, (_, before: string, map: string, after: string) => before + asset(map) + after);
}

/** The shipped files do not change while the extension runs: each is read once, not on every open of the panel. */
const builtFiles = new Map<string, string>();

function builtFile(file: string): string {
  let text = builtFiles.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    builtFiles.set(file, text);
  }
  return text;
}

/**
 * The stylesheets and the script are written into the page rather than linked. VS Code keeps a webview's page hidden
 * until its load event (or for 200 ms), and each linked file is a round trip through its resource loader before that,
 * on every open and every time the panel comes back from behind another editor (a hidden panel keeps no context, so
 * its page loads again). Nothing else the first paint shows loads a file: thumbnails load lazily, and the buttons'
 * icons are the page's own codicons (see dom.ts).
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, state: PanelState): string {
  const n = nonce();
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', name)).toString();
  const built = (name: string) => builtFile(vscode.Uri.joinPath(extensionUri, 'dist', name).fsPath);
  // The icon font is found by its full URL from the inlined stylesheet. Its face is declared apart, switched on by the
  // page once it has loaded (src/webview-ui/main.ts): VS Code shows the page only after its load event, which a font
  // still loading would hold back.
  const codicons = built('codicon.css');
  const fontFace = /@font-face\s*\{[^}]*\}/.exec(codicons)?.[0] ?? '';
  const iconRules = codicons.replace(fontFace, '');
  const fontFaceAt = fontFace.replace(/url\("\.\/codicon\.ttf/g, () => `url("${asset('codicon.ttf')}`);
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language || 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}" id="codicon-font" media="not all">${inlineText(fontFaceAt, 'style', asset)}</style>
<style nonce="${n}">${inlineText(iconRules, 'style', asset)}</style>
<style nonce="${n}">${inlineText(built('webview.css'), 'style', asset)}</style>
<title>${escapeAttribute(vscode.l10n.t('RunComfy Edit'))}</title>
<script nonce="${n}">${inlineText(built('webview.js'), 'script', asset)}</script>
</head>
<body>
<div id="root" data-state="${escapeAttribute(JSON.stringify(state))}" data-l10n="${escapeAttribute(JSON.stringify(vscode.l10n.bundle ?? {}))}"></div>
</body>
</html>`;
}
