#!/usr/bin/env bash
# `npm run bench`: every benchmark in bench/, each printing its figures beside a baseline measured
# in the same run (never a timed pass/fail). Results are also written to .host/bench/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

bash scripts/ensure-built.sh
npx tsc -p tsconfig.dev.json
mkdir -p .host/bench
node .build/bench/run.js "$@"
