#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Fills the Info.plist template with a version: fill-plist.sh VERSION OUT
#   @VERSION@ -> VERSION as it is (CFBundleShortVersionString, shown in Finder and About)
#   @BUILD@   -> its major.minor.patch numbers (CFBundleVersion; Apple wants only numbers there)
# Used by build-dmg.sh, and by the tests, which check the result with Python's plistlib.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$here/../lib.sh"

if [ $# -ne 2 ]; then
  echo "usage: fill-plist.sh VERSION OUT" >&2
  exit 2
fi
version="$1"
out="$2"
if ! [[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]]; then
  echo "fill-plist.sh: '$version' is not a version" >&2
  exit 2
fi
build="$(numeric_version "$version")"
sed -e "s/@VERSION@/$version/g" -e "s/@BUILD@/$build/g" "$here/Info.plist" >"$out"
if grep -q '@[A-Z]*@' "$out"; then
  echo "fill-plist.sh: a placeholder is left in $out" >&2
  exit 1
fi
