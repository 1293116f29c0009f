#!/usr/bin/env bash
# What each extractor adds to a binary: the size of a program that parses a
# page with x/net/html and hands it to the extractor, against one that only
# parses it, and the modules it links (go version -m).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
base=0
for p in base readeck shiori trafilatura; do
	go build -trimpath -o "$out/$p" "./size/$p"
	size=$(stat -c %s "$out/$p")
	[ "$p" = base ] && base=$size
	mods=$(go version -m "$out/$p" | awk '$1 == "dep"' | wc -l)
	printf '%-12s %6.1f MB  +%5.1f MB  %2d modules\n' "$p" "$(echo "$size/1048576" | bc -l)" "$(echo "($size-$base)/1048576" | bc -l)" "$mods"
done
