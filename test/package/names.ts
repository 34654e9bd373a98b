// Names shared by the package test's runner (plain Node) and its smoke test (inside VS Code), with no imports.

/** The id VS Code gives the installed extension (publisher.name from package.json). */
export const extensionId = 'runcomfy-edit.runcomfy-dreamina-edit';

/** File name `npm run package` writes at the repository root. */
export const vsixName = 'runcomfy-dreamina-edit.vsix';
