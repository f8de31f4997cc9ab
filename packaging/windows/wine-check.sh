#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs both Windows installers under Wine (64-bit) around placeholder programs, and checks what a
# school would rely on. Not part of CI (Wine is large); run it after changing keyholder.nsi or
# keyholder.wxs:
#
#   packaging/windows/wine-check.sh
#
# Needs wine64 (sudo apt-get install wine64), makensis and wixl. The NSIS installer is built here
# with NSIS's 64-bit stub (-XTarget amd64-unicode) because a Wine without 32-bit support cannot
# run the usual 32-bit stub; the script is the same. Everything happens in a throwaway Wine prefix.
#
# Checks: install (program, Start-menu shortcut, Add/Remove Programs entry), upgrade over an older
# version, refusal to go back to an older one, silent uninstall keeping the school's data, and
# /REMOVEDATA deleting it; for the MSI: install, major upgrade, downgrade refused, removal keeping
# the data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

wine="$(command -v wine64 || true)"
[ -n "$wine" ] || wine="/usr/lib/wine/wine64"
wineserver="$(command -v wineserver || true)"
[ -n "$wineserver" ] || wineserver="/usr/lib/wine/wineserver"
for tool in "$wine" "$wineserver" makensis wixl; do
  if ! command -v "$tool" >/dev/null; then
    echo "wine-check.sh: $tool is missing (sudo apt-get install wine64 nsis wixl)" >&2
    exit 2
  fi
done

work="$(mktemp -d)"
trap '"$wineserver" -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all DISPLAY=""
failures=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "  ok    $1"; else echo "  FAIL  $1"; failures=$((failures + 1)); fi
}
win() { "$wine" "$@" >/dev/null 2>&1 || true; "$wineserver" -w; }
reg_value() { # reg_value KEY NAME -> the value, or nothing
  "$wine" reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n { print $3 }'
}

echo "wine-check.sh: setting up a Wine prefix in $WINEPREFIX"
"$wine" wineboot --init >/dev/null 2>&1 || true
"$wineserver" -w
drive_c="$WINEPREFIX/drive_c"
program_dir="$drive_c/Program Files/Keyholder"
appdata="$(find "$drive_c/users" -maxdepth 3 -type d -name Roaming | grep -v '/Public/' | head -n 1)"
data="$appdata/Keyholder/data"

mkdir -p "$work/build"
for version in 0.1.0 0.2.0; do
  printf 'placeholder %s' "$version" >"$work/build/keyholder-$version.exe"
  printf 'window placeholder %s' "$version" >"$work/build/keyholder-window-$version.exe"
  makensis -V1 "-XTarget amd64-unicode" "-DVERSION=$version" "-DNUMERIC_VERSION=$version" \
    "-DBINARY=$work/build/keyholder-$version.exe" \
    "-DWINDOW_BINARY=$work/build/keyholder-window-$version.exe" \
    "-DOUTFILE=$work/build/setup-$version.exe" "$here/keyholder.nsi"
  mkdir -p "$work/msi-$version"
  cp "$here/keyholder.wxs" "$here/../icons/keyholder.ico" "$work/msi-$version/"
  cp "$work/build/keyholder-$version.exe" "$work/msi-$version/keyholder.exe"
  cp "$work/build/keyholder-window-$version.exe" "$work/msi-$version/keyholder-window.exe"
  wixl --arch x64 --define "Version=$version" --define Binary=keyholder.exe \
    --define WindowBinary=keyholder-window.exe \
    --define Icon=keyholder.ico --output "$work/build/keyholder-$version.msi" \
    "$work/msi-$version/keyholder.wxs"
done
win_path() { printf 'Z:%s' "${1//\//\\}"; }
installed() {
  [ "$(cat "$program_dir/keyholder.exe" 2>/dev/null)" = "placeholder $1" ] \
    && [ "$(cat "$program_dir/keyholder-window.exe" 2>/dev/null)" = "window placeholder $1" ]
}
school_data_kept() { [ "$(cat "$data/keyholder.db" 2>/dev/null)" = "the school's data" ]; }
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Keyholder'

echo "NSIS installer"
mkdir -p "$data"
printf "the school's data" >"$data/keyholder.db"
win "$work/build/setup-0.1.0.exe" /S
check "installs into Program Files" installed 0.1.0
check "adds the Start-menu shortcut for all users" \
  test -f "$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Keyholder.lnk"
check "the shortcut opens the window program (no console)" \
  grep -qa 'keyholder-window.exe' "$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Keyholder.lnk"
check "registers in Add/Remove Programs" test "$(reg_value "$uninstall_key" DisplayVersion)" = 0.1.0
win "$work/build/setup-0.2.0.exe" /S
check "a newer version installs over an older one" installed 0.2.0
check "and updates its entry" test "$(reg_value "$uninstall_key" DisplayVersion)" = 0.2.0
check "the school's data is kept on upgrade" school_data_kept
win "$work/build/setup-0.1.0.exe" /S
check "an older version does not install over a newer one (silent)" installed 0.2.0
win "$program_dir/Uninstall.exe" /S
sleep 2
"$wineserver" -w
check "uninstall removes the program" test ! -e "$program_dir"
check "and its Add/Remove Programs entry" test -z "$(reg_value "$uninstall_key" DisplayName)"
check "and keeps the school's data" school_data_kept
win "$work/build/setup-0.2.0.exe" /S
win "$program_dir/Uninstall.exe" /S /REMOVEDATA
sleep 2
"$wineserver" -w
check "uninstall /REMOVEDATA deletes the data" test ! -e "$appdata/Keyholder"

echo "MSI"
mkdir -p "$data"
printf "the school's data" >"$data/keyholder.db"
win msiexec /i "$(win_path "$work/build/keyholder-0.1.0.msi")" /qn
check "installs into Program Files" installed 0.1.0
win msiexec /i "$(win_path "$work/build/keyholder-0.2.0.msi")" /qn
check "a newer MSI replaces the older one" installed 0.2.0
win msiexec /i "$(win_path "$work/build/keyholder-0.1.0.msi")" /qn
check "an older MSI is refused" installed 0.2.0
win msiexec /x "$(win_path "$work/build/keyholder-0.2.0.msi")" /qn
check "removal removes the program" test ! -e "$program_dir"
check "and keeps the school's data" school_data_kept

if [ "$failures" -gt 0 ]; then
  echo "wine-check.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "wine-check.sh: all checks passed"
