#!/usr/bin/env bash
# Reliability soak (issue 6): 10 M entries (ten bind mounts of the 1 M corpus under one
# folder, so no extra inodes), walked at --threads 16. Passes when the walk exits 0, its
# manifest reports no error and as many entries as `find | wc -l` lists, and prints the
# peak RSS. Needs root (mount --bind) and a built tree (pnpm run build).
#   bash bench/soak.sh [CORPUS_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus=${1:-$here/.corpus/local}
node "$here/corpus.mjs" "$corpus" >/dev/null
scratch=$(mktemp -d /tmp/pwalk-soak-XXXXXX)
big=$scratch/x10
cleanup() {
  for i in $(seq 0 9); do mountpoint -q "$big/copy-$i" 2>/dev/null && umount "$big/copy-$i"; done
  # Remove only once nothing is mounted inside.
  grep -q " $scratch/" /proc/self/mounts || rm -rf "$scratch"
}
trap cleanup EXIT
for i in $(seq 0 9); do mkdir -p "$big/copy-$i" && mount --bind "$corpus" "$big/copy-$i"; done

expected=$(find "$big" | wc -l)
/usr/bin/time -f '%M %e' -o "$scratch/time" node "$repo/packages/cli/bin/pwalk-ts.js" "$big" --threads 16 --out "$scratch/walk" --quiet
read -r rss_kib wall <"$scratch/time"
summary=$(node "$repo/packages/cli/bin/pwalk-ts.js" info "$scratch/walk" --json)
entries=$(node -e 'const m=JSON.parse(process.argv[1]).manifest; console.log(m.totals.entries, m.totals.errors, m.status)' "$summary")
read -r got errors status <<<"$entries"
echo "soak: find lists $expected entries; pwalk-ts --threads 16 recorded $got with $errors errors, status $status, in ${wall}s, peak RSS $((rss_kib / 1024)) MiB"
[ "$got" = "$expected" ] && [ "$errors" = 0 ] && [ "$status" = complete ]
