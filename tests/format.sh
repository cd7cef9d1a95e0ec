#!/bin/sh
# SPDX-License-Identifier: MIT
# The C sources follow .clang-format (clang-format 14, Debian 12): any file
# that clang-format would change fails, with the first differences shown.
# usage: format.sh SRCROOT
src=$1
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
cd "$src" || exit 1
git rev-parse --git-dir >/dev/null 2>&1 || { echo "not a git checkout"; exit 77; }
files=$(git ls-files '*.c' '*.h')
[ -n "$files" ] || { echo "no C files found"; exit 1; }
out=$(echo "$files" | xargs clang-format --dry-run --Werror 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "$out" | head -40
    echo "run: git ls-files '*.c' '*.h' | xargs clang-format -i"
    exit 1
fi
echo "$(echo "$files" | wc -l) C files formatted"
