// Composition root: builds the pieces, registers them, and pushes every disposable onto the context.
import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Wiring is added feature by feature.
}

export function deactivate(): void {
  // Remote jobs are deliberately left running: they are paid for and resumed on the next activation.
}
