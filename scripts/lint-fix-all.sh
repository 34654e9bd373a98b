#!/usr/bin/env bash
# Applies every automatic lint fix and the Prettier format to the whole tree; `npm run lint && npm run format:check` should pass afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx --no-install eslint --fix .
npx --no-install prettier --write --log-level warn .
