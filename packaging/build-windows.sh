#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds Keyholder's Windows installers from Linux: keyholder-<version>-setup.exe (NSIS) and
# keyholder-<version>-x64.msi (WiX, built with wixl). The version comes from Cargo.toml.
#
#   packaging/build-windows.sh [--binary PATH] [--out DIR]
#       Cross-builds keyholder.exe (the console program, for commands) and keyholder-window.exe
#       (what the Start menu opens: the window without a console) into
#       target/x86_64-pc-windows-gnu/release, unless --binary names a keyholder.exe built elsewhere
#       (keyholder-window.exe must be beside it), then makes both installers in DIR (default
#       target/packages).
#   packaging/build-windows.sh --check [--out DIR]
#       Checks the installer scripts without a Windows build: compiles keyholder.nsi with makensis
#       and builds keyholder.wxs with wixl around placeholder programs (not installable).
#
# Needs (Debian/Ubuntu names): nsis (makensis), wixl, and for the cross build the Rust target
# x86_64-pc-windows-gnu and gcc-mingw-w64-x86-64. Anything missing is listed with how to install
# it, and the script stops with status 2 before doing anything.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
root="$(repo_root)"
target=x86_64-pc-windows-gnu

check=0
binary=""
out="$root/target/packages"
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    -h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) echo "build-windows.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- What is missing, and how to get it -------------------------------------------------------
missing=()
need() { # need COMMAND HOW-TO-INSTALL
  if ! command -v "$1" >/dev/null; then
    missing+=("$1 (install: $2)")
  fi
}
need makensis "sudo apt-get install nsis"
need wixl "sudo apt-get install wixl"
cross=0
if [ "$check" = 0 ] && [ -z "$binary" ]; then
  cross=1
  need cargo "https://rustup.rs"
  need x86_64-w64-mingw32-gcc "sudo apt-get install gcc-mingw-w64-x86-64"
  if ! command -v rustup >/dev/null; then
    missing+=("rustup, for the $target target (install: https://rustup.rs)")
  elif ! rustup target list --installed | grep -qx "$target"; then
    missing+=("the Rust target $target (install: rustup target add $target)")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  {
    echo "build-windows.sh: cannot build the Windows installers here; missing:"
    printf '  - %s\n' "${missing[@]}"
    if [ "$cross" = 1 ]; then
      echo "Alternatively build on Windows (cargo build --release makes keyholder.exe and"
      echo "keyholder-window.exe), pass keyholder.exe with --binary, or check the installer scripts"
      echo "alone with --check."
    fi
  } >&2
  exit 2
fi

version="$(cargo_version "$root")"
numeric="$(numeric_version "$version")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# ---- The program ------------------------------------------------------------------------------
if [ "$check" = 1 ]; then
  binary="$stage/keyholder.exe"
  printf 'Placeholder for keyholder.exe, made by build-windows.sh --check. Not a program.\n' >"$binary"
  printf 'Placeholder for keyholder-window.exe, made by build-windows.sh --check.\n' \
    >"$stage/keyholder-window.exe"
  setup="$out/keyholder-$version-setup-CHECK-ONLY.exe"
  msi="$out/keyholder-$version-x64-CHECK-ONLY.msi"
else
  if [ "$cross" = 1 ]; then
    echo "build-windows.sh: cargo build --release --locked --target $target"
    (cd "$root" && cargo build --release --locked --target "$target" \
      --bin keyholder --bin keyholder-window)
    binary="${CARGO_TARGET_DIR:-$root/target}/$target/release/keyholder.exe"
  fi
  for exe in "$binary" "$(dirname "$binary")/keyholder-window.exe"; do
    if [ ! -f "$exe" ]; then
      echo "build-windows.sh: no $(basename "$exe") at $exe" >&2
      exit 2
    fi
  done
  setup="$out/keyholder-$version-setup.exe"
  msi="$out/keyholder-$version-x64.msi"
fi

# ---- NSIS -------------------------------------------------------------------------------------
echo "build-windows.sh: makensis keyholder.nsi (version $version)"
makensis -V2 \
  "-DVERSION=$version" "-DNUMERIC_VERSION=$numeric" \
  "-DBINARY=$binary" "-DWINDOW_BINARY=$(dirname "$binary")/keyholder-window.exe" \
  "-DOUTFILE=$setup" \
  "$here/windows/keyholder.nsi"

# ---- WiX (wixl reads source files relative to the .wxs, so everything goes in one folder) -----
echo "build-windows.sh: wixl keyholder.wxs (version $numeric)"
mkdir -p "$stage/msi"
cp "$here/windows/keyholder.wxs" "$stage/msi/keyholder.wxs"
cp "$binary" "$stage/msi/keyholder.exe"
cp "$(dirname "$binary")/keyholder-window.exe" "$stage/msi/keyholder-window.exe"
cp "$here/icons/keyholder.ico" "$stage/msi/keyholder.ico"
wixl --arch x64 \
  --define "Version=$numeric" --define Binary=keyholder.exe \
  --define WindowBinary=keyholder-window.exe --define Icon=keyholder.ico \
  --output "$msi" "$stage/msi/keyholder.wxs"

echo "build-windows.sh: wrote"
echo "  $setup"
echo "  $msi"
if [ "$check" = 1 ]; then
  echo "build-windows.sh: --check: both scripts build; these files hold a placeholder, not Keyholder."
fi
