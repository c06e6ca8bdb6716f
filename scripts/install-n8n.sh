#!/usr/bin/env bash
# Installs a pinned n8n into .host/n8n-<version>/ (ignored by git), under the project's Node.
# Usage: scripts/install-n8n.sh [version]   (default: the pinned host, see scripts/n8n-version)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

version="${1:-$(cat "$SCRM_ROOT/scripts/n8n-version")}"
dir="$SCRM_HOST/n8n-$version"

if [ -x "$dir/node_modules/.bin/n8n" ]; then
  echo "$dir"
  exit 0
fi

echo "install-n8n: installing n8n $version into $dir (a few minutes the first time)" >&2
mkdir -p "$dir"
# n8n depends on an xlsx tarball from a host outside the registry; the registry's 0.18.5 stands in.
cat > "$dir/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
# Native addons (isolated-vm, sqlite3) build against this Node's own headers.
(cd "$dir" && npm_config_nodedir="$SCRM_NODE_DIR" npm install --no-audit --no-fund --loglevel=error >&2)
echo "$dir"
