#!/bin/sh
# Builds the C reference walker into bench/cref/build/walk (gitignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/build"
cc -O2 -pthread -Wall -Wextra -o "$here/build/walk" "$here/walk.c"
