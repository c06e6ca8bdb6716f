#!/usr/bin/env bash
# Runs the pinned n8n CLI with this package loaded: `scripts/n8n.sh start`, `scripts/n8n.sh import:workflow …`.
# Settings come from the environment, with defaults for a local, offline, SQLite instance:
#   SCRM_N8N_VERSION   n8n to run (default: scripts/n8n-version)
#   N8N_USER_FOLDER    instance data (default: .host/user, ignored by git)
#   N8N_PORT           editor and webhooks port (default 5678)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

version="${SCRM_N8N_VERSION:-$(cat "$SCRM_ROOT/scripts/n8n-version")}"
n8n_dir="$(bash "$SCRM_ROOT/scripts/install-n8n.sh" "$version")"

export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$SCRM_HOST/user}"
export N8N_PORT="${N8N_PORT:-5678}"
export N8N_HOST="${N8N_HOST:-localhost}"
export N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
export WEBHOOK_URL="${WEBHOOK_URL:-http://localhost:$N8N_PORT/}"
export DB_TYPE="${DB_TYPE:-sqlite}"
export N8N_SECURE_COOKIE="${N8N_SECURE_COOKIE:-false}"
# An offline machine: no telemetry, version checks or template gallery.
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
# n8n's offline noise, switched off where n8n has a setting for it (each failed fetch of api.n8n.io
# prints a stack trace): the verified community-node list the nodes panel offers to install, and
# on 2.x the MCP server registry (a module 1.x does not know, and naming an unknown module is a
# start-up error there).
export N8N_VERIFIED_PACKAGES_ENABLED="${N8N_VERIFIED_PACKAGES_ENABLED:-false}"
if [ -d "$n8n_dir/node_modules/n8n/dist/modules/mcp-registry" ]; then
  export N8N_DISABLED_MODULES="${N8N_DISABLED_MODULES-mcp-registry}"
fi
# n8n 1.x warns at every start about four settings whose defaults 2.x changed: set them as 2.x has
# them (SQLite with a read pool, task runners on, no environment access from expressions, no bare
# Git repositories), so both lines behave alike and start quietly.
case "$version" in
  1.*)
    export DB_SQLITE_POOL_SIZE="${DB_SQLITE_POOL_SIZE:-3}"
    export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-true}"
    export N8N_BLOCK_ENV_ACCESS_IN_NODE="${N8N_BLOCK_ENV_ACCESS_IN_NODE:-true}"
    export N8N_GIT_NODE_DISABLE_BARE_REPOS="${N8N_GIT_NODE_DISABLE_BARE_REPOS:-true}"
    ;;
esac
# The task runners' broker defaults to 5679; derive it from the port so instances can run side by side.
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((N8N_PORT + 10000))}"
# This package is loaded the way Settings → Community nodes installs it: as a package in the
# instance's nodes folder, so node types read n8n-nodes-whatsapp-scrm.* as in the example workflows.
# (N8N_CUSTOM_EXTENSIONS would load the same files under the type prefix CUSTOM.* instead.)
nodes_dir="$N8N_USER_FOLDER/.n8n/nodes/node_modules"
mkdir -p "$nodes_dir"
ln -sfn "$SCRM_ROOT" "$nodes_dir/n8n-nodes-whatsapp-scrm"

exec "$n8n_dir/node_modules/.bin/n8n" "$@"
