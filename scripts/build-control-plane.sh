#!/usr/bin/env bash
# Builds a real Kubernetes control plane into .tools/bin from the Go module proxy, for the
# real-cluster test tier (npm run test:cluster, harness in test/cluster/control-plane.ts):
#   kube-apiserver, kube-controller-manager, kube-scheduler  k8s.io/kubernetes $K8S_VERSION
#   etcd, etcdctl                                            go.etcd.io/etcd    $ETCD_VERSION
#   kwok (+ its Stage documents in .tools/kwok-stages/)      sigs.k8s.io/kwok   $KWOK_VERSION
# k8s.io/kubernetes and etcd's server replace their own submodules with local paths, so a plain
# `go install` is refused: each is built through a wrapper module (kept in .tools/control-plane/,
# gitignored) that requires it and pins every such submodule to its published version.
# Cached by version: each part writes a stamp once its outputs are in place, and a run whose
# stamps all match builds nothing. Prints one line per step; on failure one line saying why, exit 1.
# Measured on two shared cores: cold (empty module and build caches) 15m41s wall, 10m42s user;
# 1.3 GB of modules, 3.6 GB of build cache, 497 MB in .tools/bin. Stamps removed but Go caches
# warm: 17 s. Everything present: 0.01 s, no go command run.
# K8S_VERSION, ETCD_VERSION, KWOK_VERSION pick versions; GO_P the build parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
K8S_VERSION=${K8S_VERSION:-v1.34.4}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}
# Parallelism of the Go builds: two cores, and the kube binaries take ~2 GB each to link.
GO_P=${GO_P:-2}

bin="$root/.tools/bin"
state="$root/.tools/control-plane"
stages="$root/.tools/kwok-stages"

say() { echo "build-control-plane: $*"; }
fail() {
  echo "build-control-plane: $*" >&2
  exit 1
}
# stamped PART VERSION FILE…: the part's stamp says VERSION and all its outputs exist.
stamped() {
  local part=$1 version=$2 f
  shift 2
  [ "$(cat "$state/$part.version" 2>/dev/null)" = "$version" ] || return 1
  for f in "$@"; do [ -s "$f" ] || return 1; done
}
kube_bins=("$bin/kube-apiserver" "$bin/kube-controller-manager" "$bin/kube-scheduler")
etcd_bins=("$bin/etcd" "$bin/etcdctl")
kwok_files=("$bin/kwok" "$stages/node-fast.yaml" "$stages/node-heartbeat-with-lease.yaml" "$stages/pod-fast.yaml")

if stamped kube "$K8S_VERSION" "${kube_bins[@]}" && stamped etcd "$ETCD_VERSION" "${etcd_bins[@]}" &&
  stamped kwok "$KWOK_VERSION" "${kwok_files[@]}"; then
  say "up to date (kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) in .tools/bin"
  exit 0
fi

go=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$go" ] || fail "no Go toolchain (go on PATH or /usr/local/go/bin/go)"
# Never fetch another toolchain: the local Go (≥ 1.24) builds all of it.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
mkdir -p "$bin" "$state"
# One build at a time (two cores, ~2 GB per link): a second run waits, then finds the parts built.
if command -v flock >/dev/null; then
  exec 9>"$state/lock"
  flock -n 9 || {
    say "another build is running; waiting for it"
    flock 9
  }
fi
log="$state/build.log"
: >"$log"

# run STEP-DESCRIPTION CMD…: runs CMD with its output in the log; on failure, one line.
run() {
  local what=$1
  shift
  echo "== $what: $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    local why
    why=$(grep -v -e '^go: downloading' -e '^go: finding' -e '^==' "$log" | grep -m1 -i -e error -e fatal -e 'cannot' -e 'refused' -e 'not found' || true)
    [ -n "$why" ] || why=$(grep -v '^go: downloading' "$log" | tail -1)
    fail "$what failed: ${why:-see .tools/control-plane/build.log} (log: .tools/control-plane/build.log)"
  fi
}
# gomod MODULE@VERSION: the path of that module's go.mod in the module cache.
# download MODULE@VERSION FIELD: that field (GoMod, Dir) of `go mod download -json`; on failure,
# the proxy's reason in one line.
download() {
  local json why
  if ! json=$(cd "$state" && "$go" mod download -json "$1" 2>&1); then
    why=$(echo "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p' | sed 's/\\n.*//' | head -1)
    fail "cannot download $1 from $("$go" env GOPROXY): ${why:-$(echo "$json" | tail -1)}"
  fi
  echo "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",*\$/\\1/p"
}
gomod() { download "$1" GoMod; }
moddir() { download "$1" Dir; }

# --- kube-apiserver, kube-controller-manager, kube-scheduler ---------------------------------
if stamped kube "$K8S_VERSION" "${kube_bins[@]}"; then
  say "kubernetes $K8S_VERSION: already built"
else
  start=$SECONDS
  minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  staging_version="v0.${K8S_VERSION#v1.}"
  kmod=$(gomod "k8s.io/kubernetes@$K8S_VERSION")
  [ -s "$kmod" ] || fail "no go.mod for k8s.io/kubernetes@$K8S_VERSION"
  mapfile -t staging < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$kmod")
  [ "${#staging[@]}" -gt 0 ] || fail "k8s.io/kubernetes@$K8S_VERSION: no staging replaces found in its go.mod"
  say "kubernetes $K8S_VERSION: wrapper module pinning ${#staging[@]} staging modules to $staging_version"
  w="$state/kube"
  rm -rf "$w"
  mkdir -p "$w"
  {
    echo "module aiops-tui.local/control-plane/kube"
    echo
    echo "go $(awk '$1 == "go" { print $2; exit }' "$kmod")"
    echo
    echo "godebug default=go1.24"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    for m in "${staging[@]}"; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >"$w/go.mod"
  cat >"$w/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
EOF
  say "kubernetes $K8S_VERSION: go mod tidy (~1.3 GB of modules when the cache is cold)"
  (cd "$w" && run "go mod tidy (kubernetes)" "$go" mod tidy)
  v=k8s.io/component-base/version
  ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
  ldflags+=" -X $v.gitTreeState=clean -X $v.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  say "kubernetes $K8S_VERSION: go build -p $GO_P kube-apiserver kube-controller-manager kube-scheduler"
  tmp="$w/out"
  mkdir -p "$tmp"
  (cd "$w" && run "go build (kubernetes)" "$go" build -p "$GO_P" -trimpath -ldflags "$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler)
  got=$("$tmp/kube-apiserver" --version 2>&1 || true)
  [ "$got" = "Kubernetes $K8S_VERSION" ] || fail "kube-apiserver reports '$got', not 'Kubernetes $K8S_VERSION'"
  mv "$tmp"/kube-apiserver "$tmp"/kube-controller-manager "$tmp"/kube-scheduler "$bin/"
  rmdir "$tmp"
  echo "$K8S_VERSION" >"$state/kube.version"
  say "kubernetes $K8S_VERSION: built in $((SECONDS - start)) s"
fi

# --- etcd, etcdctl ---------------------------------------------------------------------------
if stamped etcd "$ETCD_VERSION" "${etcd_bins[@]}"; then
  say "etcd $ETCD_VERSION: already built"
else
  start=$SECONDS
  w="$state/etcd"
  rm -rf "$w"
  mkdir -p "$w"
  emod=$(gomod "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  [ -s "$emod" ] || fail "no go.mod for go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  cat >"$w/go.mod" <<EOF
module aiops-tui.local/control-plane/etcd

go $(awk '$1 == "go" { print $2; exit }' "$emod")

require (
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
	go.etcd.io/etcd/etcdctl/v3 $ETCD_VERSION
)
EOF
  cat >"$w/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/etcdctl/v3"
	_ "go.etcd.io/etcd/server/v3"
)
EOF
  say "etcd $ETCD_VERSION: wrapper module, go mod tidy"
  (cd "$w" && run "go mod tidy (etcd)" "$go" mod tidy)
  say "etcd $ETCD_VERSION: go build -p $GO_P etcd etcdctl"
  tmp="$w/out"
  mkdir -p "$tmp"
  (cd "$w" && run "go build (etcd)" "$go" build -p "$GO_P" -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  (cd "$w" && run "go build (etcdctl)" "$go" build -p "$GO_P" -trimpath -ldflags "-s -w" -o "$tmp/etcdctl" go.etcd.io/etcd/etcdctl/v3)
  "$tmp/etcd" --version >>"$log" 2>&1 || fail "the built etcd does not run (log: .tools/control-plane/build.log)"
  mv "$tmp/etcd" "$tmp/etcdctl" "$bin/"
  rmdir "$tmp"
  echo "$ETCD_VERSION" >"$state/etcd.version"
  say "etcd $ETCD_VERSION: built in $((SECONDS - start)) s"
fi

# --- kwok and its stages ---------------------------------------------------------------------
if stamped kwok "$KWOK_VERSION" "${kwok_files[@]}"; then
  say "kwok $KWOK_VERSION: already built"
else
  start=$SECONDS
  say "kwok $KWOK_VERSION: go install -p $GO_P sigs.k8s.io/kwok/cmd/kwok"
  tmp="$state/kwok-out"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$state" && run "go install (kwok)" env GOBIN="$tmp" "$go" install -p "$GO_P" -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  src=$(moddir "sigs.k8s.io/kwok@$KWOK_VERSION")/kustomize/stage
  [ -d "$src" ] || fail "sigs.k8s.io/kwok@$KWOK_VERSION has no kustomize/stage directory"
  say "kwok $KWOK_VERSION: Stage documents from its module's kustomize/stage into .tools/kwok-stages"
  rm -rf "$stages"
  mkdir -p "$stages"
  # name in .tools/kwok-stages <- path under kustomize/stage
  for pair in node-fast.yaml:node/fast/node-initialize.yaml \
    node-heartbeat-with-lease.yaml:node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod-fast.yaml:pod/fast; do
    name=${pair%%:*}
    from="$src/${pair#*:}"
    if [ -d "$from" ]; then
      # a directory of stages (pod/fast): all its Stage documents in one multi-document file
      files=("$from"/*.yaml)
      first=1
      for f in "${files[@]}"; do
        [ "$(basename "$f")" = kustomization.yaml ] && continue
        [ $first = 1 ] || echo "---"
        first=0
        cat "$f"
      done >"$stages/$name"
    else
      cp "$from" "$stages/$name"
    fi
    [ -s "$stages/$name" ] || fail "kwok $KWOK_VERSION: no stage at kustomize/stage/${pair#*:}"
  done
  # the chaos stages too, for tests that want failing pods; not loaded by default
  if [ -d "$src/pod/chaos" ]; then
    for f in "$src"/pod/chaos/*.yaml; do
      [ "$(basename "$f")" = kustomization.yaml ] && continue
      cp "$f" "$stages/pod-chaos-$(basename "$f")"
    done
  fi
  chmod -R u+w "$stages"
  mv "$tmp/kwok" "$bin/kwok"
  rmdir "$tmp"
  echo "$KWOK_VERSION" >"$state/kwok.version"
  say "kwok $KWOK_VERSION: built in $((SECONDS - start)) s"
fi
say "done (kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) in .tools/bin"
