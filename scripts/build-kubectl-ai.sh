#!/usr/bin/env bash
# Builds the real kubectl-ai into .tools/bin from the Go module proxy, for the optional
# integration test (test/assistants/kubectl-ai.real.test.ts). Its go.mod replaces the gollm
# submodule with ./gollm, which the module zip does not carry: gollm is resolved to the
# pseudo-version of the release's own commit instead.
# Exits 0 at once when the binary exists; on failure says why in one line and exits 1, leaving
# nothing behind. KUBECTL_AI_VERSION picks the version; by default the newest the proxy serves,
# else v0.0.25 (the newest this machine's proxy serves: later ones answer 403).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/.tools/bin/kubectl-ai"
[ -x "$out" ] && exit 0

fail() {
  echo "build-kubectl-ai: $*" >&2
  exit 1
}
go=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$go" ] || fail "no Go toolchain (go on PATH or /usr/local/go/bin/go)"
command -v node >/dev/null || fail "node is needed to read go's JSON"
module=github.com/GoogleCloudPlatform/kubectl-ai
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
# Never fetch another toolchain: the local Go (≥ 1.24) builds it.
export GOTOOLCHAIN=local

# field FILE NAME: a (dotted) field of a JSON file, empty when absent.
field() {
  node -e 'let v;
    try { v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch {}
    for (const k of process.argv[2].split(".")) v = v?.[k];
    console.log(v ?? "")' "$1" "$2"
}
download() {
  (cd "$work" && "$go" mod download -json "$module@$1" >"$work/mod.json" 2>/dev/null)
}
cannot_download() {
  local why
  why=$(field "$work/mod.json" Error | head -1)
  fail "${why:-cannot download $module from $("$go" env GOPROXY)}"
}
if [ -n "${KUBECTL_AI_VERSION:-}" ]; then
  download "$KUBECTL_AI_VERSION" || cannot_download
else
  download latest || download v0.0.25 || cannot_download
fi
version=$(field "$work/mod.json" Version)
info=$(field "$work/mod.json" Info)
commit=$(field "$info" Origin.Hash)
date=$(field "$info" Time)
[ -n "$commit" ] || fail "$module@$version: the proxy gave no commit for it, so gollm cannot be pinned"
# gollm at the release's commit: v0.0.0-<commit time UTC>-<12 hex>.
stamp=$(echo "$date" | tr -d ':TZ-' | cut -c1-14)
gollm="v0.0.0-$stamp-${commit:0:12}"

{ cp -r "$(field "$work/mod.json" Dir)" "$work/src" && chmod -R u+w "$work/src"; } ||
  fail "cannot copy the module source of $module@$version"
cd "$work/src"
go_log="$work/build.log"
{
  "$go" mod edit -dropreplace "$module/gollm" -require "$module/gollm@$gollm" &&
    GOFLAGS="${GOFLAGS:-} -mod=mod" "$go" build -trimpath -o "$work/kubectl-ai" \
      -ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date" ./cmd
} >"$go_log" 2>&1 || fail "go build of $module@$version failed: $(grep -m1 -v '^go: downloading' "$go_log")"
mkdir -p "$(dirname "$out")"
mv "$work/kubectl-ai" "$out"
echo "build-kubectl-ai: built $module@$version (gollm $gollm) into .tools/bin/kubectl-ai" >&2
