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

# What an install weighs, measured on this project's installs (du -sh .host/n8n-<version>).
case "$version" in
  1.*) expected_mb=1800 size="1.8 GB" ;;
  *) expected_mb=2700 size="2.7 GB" ;;
esac
echo "install-n8n: installing n8n $version into $dir: about $size; 5 minutes on a" \
  "fast line and an idle machine, 25 or more on a busy one (npm prints nothing meanwhile, so progress" \
  "is shown every 20 s)" >&2
mkdir -p "$dir"
# n8n depends on an xlsx tarball from a host outside the registry; the registry's 0.18.5 stands in.
cat > "$dir/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
# A heartbeat while npm works: megabytes on disk and packages unpacked so far. It must never fail
# the install: before npm creates node_modules, find exits 1, so the loop runs without set -e.
started=$SECONDS
(
  set +e +o pipefail
  while sleep 20; do
    mb="$(du -sm "$dir" 2>/dev/null | cut -f1)"
    packages="$(find "$dir/node_modules" -mindepth 1 -maxdepth 2 -name package.json 2>/dev/null | wc -l)"
    packages=$((packages + $(find "$dir/node_modules" -mindepth 3 -maxdepth 3 -path '*/@*/*/package.json' 2>/dev/null | wc -l)))
    echo "install-n8n: ${mb:-0} of about $expected_mb MB, $packages packages, $(((SECONDS - started) / 60)) min" >&2
  done
) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true' EXIT
# Native addons (isolated-vm, sqlite3) build against this Node's own headers.
(cd "$dir" && npm_config_nodedir="$SCRM_NODE_DIR" npm install --no-audit --no-fund --loglevel=error >&2)
kill "$heartbeat" 2>/dev/null || true
echo "install-n8n: n8n $version installed in $(((SECONDS - started) / 60)) min, $(du -sh "$dir" | cut -f1)" >&2
echo "$dir"
