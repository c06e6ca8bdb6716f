#!/usr/bin/env bash
# `npm test`: lint, type-check, unit and node tests, then the end-to-end suite against a real n8n.
# SCRM_N8N_SECOND_HOST=1.123.81 also runs the end-to-end suite against that n8n (the 1.x line).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

bash scripts/ensure-built.sh
# Debian packages the tests start on loopback: redis-server (queue-mode stores), postgresql (the
# conversation archive and queue mode's database), chromium (the editor suite and the analytics
# report, headless) and the CJK and Thai fonts the report's text needs (without them Chromium draws
# boxes, and the report test fails). Installed once; a missing one fails its tests.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
fc-list :lang=th 2>/dev/null | grep -q . || missing+=(fonts-thai-tlwg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian's ${missing[*]} for the tests"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
  else
    echo "test: ${missing[*]} missing; install with: sudo apt-get install ${missing[*]}" >&2
  fi
fi
echo "== lint (n8n community-node rules) and formatting (prettier, n8n's settings)"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
echo "== type-check tests and benchmarks"
npx tsc -p tsconfig.dev.json --noEmit

reports="$SCRM_HOST/test-reports"
rm -rf "$reports" && mkdir -p "$reports"
status=0

echo "== unit and node tests"
npx jest --selectProjects unit --json --outputFile="$reports/unit.json" || status=1

pinned="$(cat scripts/n8n-version)"
for version in "$pinned" ${SCRM_N8N_SECOND_HOST:-}; do
  echo "== end-to-end tests against n8n $version"
  bash scripts/install-n8n.sh "$version" >/dev/null
  # The sandbox test checks our start command, not n8n: once, on the pinned n8n, is enough.
  skip=()
  [ "$version" = "$pinned" ] || skip=(--testPathIgnorePatterns sandbox)
  SCRM_N8N_VERSION="$version" npx jest --selectProjects e2e --runInBand "${skip[@]}" \
    --json --outputFile="$reports/e2e-$version.json" || status=1
  # The editor in Chromium (its own n8n on SCRM_E2E_PORT + 200; screenshots in
  # .host/test-artifacts/editor/). The report page does not depend on n8n: once is enough.
  echo "== editor in Chromium against n8n $version"
  skip=()
  [ "$version" = "$pinned" ] || skip=(--testPathIgnorePatterns report)
  SCRM_N8N_VERSION="$version" npx jest --selectProjects editor --runInBand "${skip[@]}" \
    --json --outputFile="$reports/editor-$version.json" || status=1
done

# Once, against the pinned n8n: its own deployment (scripts/queue-mode.sh on ports 5741–5749 unless
# SCRM_QUEUE_TEST_PORT says otherwise), about 4 minutes with start-up.
pinned="$(cat scripts/n8n-version)"
echo "== queue mode under load and faults against n8n $pinned (main + 2 workers, Redis, PostgreSQL)"
SCRM_N8N_VERSION="$pinned" npx jest --selectProjects queue --runInBand \
  --json --outputFile="$reports/queue-$pinned.json" || status=1

node -e '
  const fs = require("fs"), dir = process.argv[1];
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync(dir)) {
    const r = JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$reports"
exit $status
