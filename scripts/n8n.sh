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
# The task runners' broker defaults to 5679; derive it from the port so instances can run side by side.
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((N8N_PORT + 10000))}"
# This package is loaded the way Settings → Community nodes installs it: as a package in the
# instance's nodes folder, so node types read n8n-nodes-whatsapp-scrm.* as in the example workflows.
# (N8N_CUSTOM_EXTENSIONS would load the same files under the type prefix CUSTOM.* instead.)
nodes_dir="$N8N_USER_FOLDER/.n8n/nodes/node_modules"
mkdir -p "$nodes_dir"
ln -sfn "$SCRM_ROOT" "$nodes_dir/n8n-nodes-whatsapp-scrm"

exec "$n8n_dir/node_modules/.bin/n8n" "$@"
