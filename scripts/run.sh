#!/usr/bin/env bash
# The two set-up commands of the README, on any fresh machine:
#   bash scripts/run.sh demo   installs what is missing, starts the simulator and the cockpit
#   bash scripts/run.sh test   installs what is missing, runs lint, typecheck and the test suite
# It brings Node 24 from the npm registry when the machine's node is older than 22.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  if [ ! -x "$HOME/.node24/node_modules/.bin/node" ]; then
    echo "run.sh: node $(node -v 2>/dev/null || echo none) is older than 22; installing node 24 into ~/.node24" >&2
    npm install --prefix "$HOME/.node24" node@24 --no-audit --no-fund --loglevel=error >/dev/null
  fi
  export PATH="$HOME/.node24/node_modules/.bin:$PATH"
fi

# Install when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

case "${1:-}" in
  demo) shift; npm run build --silent && exec ./dist/cli.js --demo "$@" ;;
  test)
    npm run lint
    npm run typecheck
    report=$(mktemp)
    status=0
    npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
    [ -s "$report" ] && node scripts/test-summary.mjs "$report"
    rm -f "$report"
    exit "$status"
    ;;
  *) echo "usage: bash scripts/run.sh demo|test" >&2; exit 2 ;;
esac
