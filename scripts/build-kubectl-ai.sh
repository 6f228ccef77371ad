#!/usr/bin/env bash
# Builds the real kubectl-ai into .tools/bin from the Go module proxy, for the optional
# integration test. Its go.mod replaces the gollm submodule with ./gollm, which the module zip
# does not carry: gollm is resolved to the pseudo-version of the same commit instead.
# Exits 0 at once when the binary exists; on failure says why in one line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/.tools/bin/kubectl-ai"
[ -x "$out" ] && exit 0
fail() { echo "build-kubectl-ai: $*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || fail "no Go toolchain on PATH"
# v0.0.25 is the newest release the module proxy here serves (later ones answer 403).
version="${KUBECTL_AI_VERSION:-v0.0.25}"
module=github.com/GoogleCloudPlatform/kubectl-ai
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
go mod download -json "$module@$version" >"$work/mod.json" 2>/dev/null || fail "cannot download $module@$version"
field() { node -e "const m=JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); if (m.Error) { console.error(m.Error.split('\n')[0]); process.exit(1) } console.log(m[process.argv[2]] ?? '')" "$work/mod.json" "$1"; }
dir=$(field Dir) || fail "$module@$version: $(field Error 2>&1)"
info=$(field Info)
# gollm at the release's commit: v0.0.0-<commit time UTC>-<12 hex>.
pseudo=$(node -e "const i=JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); const t=i.Time.replace(/[-:T]/g,'').slice(0,14); console.log('v0.0.0-'+t+'-'+i.Origin.Hash.slice(0,12))" "$info")
cp -r "$dir" "$work/src" && chmod -R u+w "$work/src"
cd "$work/src"
go mod edit -dropreplace "$module/gollm" -require "$module/gollm@$pseudo"
mkdir -p "$(dirname "$out")"
GOFLAGS=-mod=mod go build -o "$out" ./cmd >"$work/build.log" 2>&1 || fail "go build failed: $(grep -m1 -v '^go: downloading' "$work/build.log")"
echo "build-kubectl-ai: built $module@$version (gollm $pseudo) into .tools/bin/kubectl-ai" >&2
