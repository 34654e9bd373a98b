// The panel's HTML: strict CSP with a crypto nonce, no network, and the bootstrap state in a data attribute.
import { randomBytes } from 'node:crypto';
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

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, state: PanelState): string {
  const n = nonce();
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', name)).toString();
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
<link rel="stylesheet" nonce="${n}" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" nonce="${n}" href="${asset('webview.css')}">
<title>${escapeAttribute(vscode.l10n.t('RunComfy Edit'))}</title>
</head>
<body>
<div id="root" data-state="${escapeAttribute(JSON.stringify(state))}" data-l10n="${escapeAttribute(JSON.stringify(vscode.l10n.bundle ?? {}))}"></div>
<script nonce="${n}" src="${asset('webview.js')}"></script>
</body>
</html>`;
}
