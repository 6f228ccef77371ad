#!/usr/bin/env bash
# Builds k9s, a real peer, into .tools/bin from the Go module proxy, for the test that its pods
# view opens against the simulator (test/cluster-real/k9s.cluster.test.ts) and for npm run
# bench:peers, which runs this when the binary is missing. `go install` works
# with -mod=mod (its go.mod needs no local replaces). ~20 minutes cold on two cores, a minute or
# two with a warm Go cache, nothing when the binary is there. On failure: one line, exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${K9S_VERSION:-v0.50.16}
bin="$PWD/.tools/bin"
stamp="$PWD/.tools/k9s.version"
if [ -x "$bin/k9s" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then exit 0; fi
go=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$go" ] || { echo "build-k9s: no Go toolchain (go on PATH or /usr/local/go/bin/go)" >&2; exit 1; }
mkdir -p "$bin"
log="$PWD/.tools/k9s-build.log"
echo "build-k9s: github.com/derailed/k9s@$version"
if ! (cd "$PWD/.tools" && GOTOOLCHAIN=local GOFLAGS=-mod=mod GOBIN="$bin" \
  "$go" install -p "${GO_P:-2}" -trimpath -ldflags "-s -w" "github.com/derailed/k9s@$version") >"$log" 2>&1; then
  echo "build-k9s: go install failed: $(grep -m1 -iE 'error|cannot|forbidden' "$log" || tail -1 "$log")" >&2
  exit 1
fi
echo "$version" >"$stamp"
