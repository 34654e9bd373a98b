#!/bin/sh
# Executable that @vscode/test-electron's runTests() spawns as "VS Code": runs the compiled launcher with Node.
exec node "$(dirname "$0")/../../out/test/vscode/launcher.js" "$@"
