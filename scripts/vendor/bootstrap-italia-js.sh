#!/bin/sh
# Builds web/static/vendor/bootstrap-italia/js/bootstrap-italia.traguardo.min.js:
# the Bootstrap Italia plugins Traguardo's pages use (bootstrap-italia.entry.js
# beside this script), bundled and minified by esbuild from the npm
# package's ES modules (dist/plugins/). Run by `make vendor-js`, not by
# make test; commit the output. Needs npm, openssl and Go (esbuild runs
# with go run from the Go module proxy).
set -eu

ESBUILD=v0.28.2

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/vendor/package.sh"
out="$root/web/static/vendor/bootstrap-italia/js/bootstrap-italia.traguardo.min.js"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bi_unpack "$tmp"
cp "$root/scripts/vendor/bootstrap-italia.entry.js" "$tmp/entry.js"

cd "$root"
go run "github.com/evanw/esbuild/cmd/esbuild@$ESBUILD" "$tmp/entry.js" \
	--bundle --minify --format=iife --global-name=bootstrap \
	--target=es2020 --legal-comments=none --charset=utf8 --log-level=warning \
	--banner:js="/*! Bootstrap Italia $BI_VERSION (https://italia.github.io/bootstrap-italia/): NavBarCollapsible, Input, TrackFocus only. Copyright (c) Presidenza del Consiglio dei Ministri, BSD-3-Clause (../LICENSE); parts of Bootstrap (https://getbootstrap.com/), Copyright 2011-2024 The Bootstrap Authors, MIT. Built by scripts/vendor/bootstrap-italia-js.sh with esbuild $ESBUILD. */" \
	--outfile="$out"
echo "wrote $out"
