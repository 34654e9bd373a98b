// Reads the shell commands of a README section (its ```sh blocks), so the fresh-clone test runs exactly what it says.

/**
 * The commands in the ```sh blocks of the `## <heading>` section, one per line, without trailing `# comments`.
 * Throws when the section or its commands are missing.
 */
export function readmeCommands(readme: string, heading: string): string[] {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(`## ${heading}`));
  if (start < 0) {
    throw new Error(`the README has no "## ${heading}" section`);
  }
  const commands: string[] = [];
  let inBlock = false;
  for (const line of lines.slice(start + 1)) {
    if (!inBlock && line.startsWith('## ')) break;
    if (line.startsWith('```')) {
      inBlock = !inBlock && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (inBlock) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  }
  if (commands.length === 0) {
    throw new Error(`the README's "## ${heading}" section has no \`\`\`sh block with a command`);
  }
  return commands;
}
