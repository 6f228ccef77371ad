#!/usr/bin/env bash
# Proves `npm install -g` gives a working aiops-tui: packs this checkout (`prepare` builds
# dist/, `prepack` puts the lock file in as npm-shrinkwrap.json), installs the tarball into a
# scratch prefix without devDependencies, and from a directory outside the repository runs
# `aiops-tui --version`, starts `aiops-tui sim` from the installed package and runs
# `aiops-tui analyze` against it. Each failing step is one `check-install: … failed` line.
# The shrinkwrap makes the installed tree the one the suite tested, its packages from npm's
# cache (the registry only for what the cache lacks).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scratch=$(mktemp -d)
sim_pid=
cleanup() {
  [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() {
  echo "check-install: $1 failed${2:+: $2}"
  exit 1
}
last_line() { grep -v '^\s*$' "$1" | tail -1; }

echo "check-install: npm pack, npm install -g into a scratch prefix, aiops-tui --version and analyze from outside the repository"
npm pack --pack-destination "$scratch" --loglevel=error >"$scratch/pack.log" 2>&1 ||
  fail "npm pack" "$(last_line "$scratch/pack.log")"
tarball=$(ls "$scratch"/aiops-tui-*.tgz 2>/dev/null | head -1)
[ -n "$tarball" ] || fail "npm pack" "no tarball in $scratch"
tar tzf "$tarball" >"$scratch/contents" || fail "npm pack" "cannot list $tarball"
grep -qx 'package/npm-shrinkwrap.json' "$scratch/contents" || fail "npm pack" "the tarball has no npm-shrinkwrap.json"

prefix="$scratch/prefix"
npm install -g "$tarball" --prefix "$prefix" --prefer-offline --no-audit --no-fund --loglevel=error \
  >"$scratch/install.log" 2>&1 || fail "npm install -g $(basename "$tarball")" "$(last_line "$scratch/install.log")"
bin="$prefix/bin/aiops-tui"
[ -x "$bin" ] || fail "npm install -g" "no aiops-tui in $prefix/bin"

outside="$scratch/elsewhere"
mkdir -p "$outside"
cd "$outside"
case "$repo" in "$PWD"*) fail "leaving the repository" "$PWD is inside $repo" ;; esac

version=$("$bin" --version 2>&1) || fail "aiops-tui --version" "$version"
expected="aiops-tui $(node -p "require('$repo/package.json').version")"
[ "$version" = "$expected" ] || fail "aiops-tui --version" "printed \"$version\", expected \"$expected\""

kubeconfig="$outside/kubeconfig"
"$bin" sim --kubeconfig-out "$kubeconfig" >"$scratch/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 300); do
  [ -s "$kubeconfig" ] && break
  kill -0 "$sim_pid" 2>/dev/null || fail "aiops-tui sim" "$(last_line "$scratch/sim.log")"
  sleep 0.1
done
[ -s "$kubeconfig" ] || fail "aiops-tui sim" "no kubeconfig at $kubeconfig within 30 s"

# analyze exits 1 for a critical finding: a working run is 0 or 1 with the findings' summary line.
"$bin" analyze --kubeconfig "$kubeconfig" -A >"$scratch/analyze.log" 2>&1
code=$?
[ "$code" -le 1 ] || fail "aiops-tui analyze" "exit $code: $(last_line "$scratch/analyze.log")"
grep -Eq '^[0-9]+ findings?: ' "$scratch/analyze.log" ||
  fail "aiops-tui analyze" "no findings summary: $(last_line "$scratch/analyze.log")"
echo "check-install: ok ($version; analyze: $(last_line "$scratch/analyze.log"))"
