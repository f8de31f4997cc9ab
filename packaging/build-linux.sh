#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the Debian/Ubuntu package keyholder_<version>_<arch>.deb with dpkg-deb alone (no cargo-deb
# needed). The version comes from Cargo.toml.
#
#   packaging/build-linux.sh [--binary PATH] [--out DIR] [--fast]
#
#   --binary PATH  the keyholder binary to package (default: target/release/keyholder, built with
#                  `cargo build --release --locked` if it is not there yet)
#   --out DIR      where the .deb is written (default: target/packages)
#   --fast         light gzip compression instead of xz (for tests; the contents are the same)
#
# Installs: /usr/bin/keyholder, /usr/share/applications/keyholder.desktop,
# /usr/share/icons/hicolor/<size>x<size>/apps/keyholder.png (+ scalable SVG), the copyright file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
root="$(repo_root)"

binary=""
out="$root/target/packages"
compression=(-Zxz)
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --fast) compression=(-Zgzip -z1); shift ;;
    -h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) echo "build-linux.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in dpkg-deb install; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-linux.sh: $tool is missing; it comes with dpkg (Debian, Ubuntu): sudo apt-get install dpkg" >&2
    exit 2
  fi
done

if [ -z "$binary" ]; then
  binary="$root/target/release/keyholder"
  if [ ! -x "$binary" ]; then
    echo "build-linux.sh: building the release binary (cargo build --release --locked)"
    (cd "$root" && cargo build --release --locked --bin keyholder)
  fi
fi
if [ ! -f "$binary" ]; then
  echo "build-linux.sh: no binary at $binary" >&2
  exit 2
fi

version="$(cargo_version "$root")"
if command -v dpkg >/dev/null; then
  arch="$(dpkg --print-architecture)"
else
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) echo "build-linux.sh: unknown machine $(uname -m); install dpkg" >&2; exit 2 ;;
  esac
fi

# The oldest C library the binary accepts, so apt refuses it on a system that is too old.
libc="libc6"
if command -v objdump >/dev/null; then
  glibc="$(objdump -T "$binary" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1 || true)"
  if [ -n "$glibc" ]; then
    libc="libc6 (>= $glibc)"
  fi
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/keyholder"

install -D -m 0755 "$binary" "$pkg/usr/bin/keyholder"
# A release binary carries symbols it does not need at run time; a package ships without them.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$pkg/usr/bin/keyholder"
fi
install -D -m 0644 "$here/linux/keyholder.desktop" "$pkg/usr/share/applications/keyholder.desktop"
for size in 16 32 48 64 128 256 512; do
  install -D -m 0644 "$here/icons/png/keyholder-$size.png" \
    "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/keyholder.png"
done
install -D -m 0644 "$here/icons/keyholder.svg" \
  "$pkg/usr/share/icons/hicolor/scalable/apps/keyholder.svg"
install -D -m 0644 "$here/linux/copyright" "$pkg/usr/share/doc/keyholder/copyright"
# Debian wants a changelog in every package; the release notes themselves are in the repository.
released="$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")"
printf 'keyholder (%s) stable; urgency=medium\n\n  * Keyholder %s.\n\n -- %s  %s\n' \
  "$version" "$version" "Keyholder packaging <packaging@keyholder.example>" "$released" \
  | gzip -9n >"$pkg/usr/share/doc/keyholder/changelog.gz"
chmod 0644 "$pkg/usr/share/doc/keyholder/changelog.gz"

installed_kib="$(du -sk "$pkg/usr" | cut -f1)"
mkdir -p "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: keyholder
Version: $version
Architecture: $arch
Maintainer: Keyholder packaging <packaging@keyholder.example>
Installed-Size: $installed_kib
Depends: $libc, libgcc-s1, libxkbcommon0, libxkbcommon-x11-0, libx11-6, libx11-xcb1, libxcursor1, libxi6, libwayland-client0, libdbus-1-3
Recommends: xdg-desktop-portal
Section: misc
Priority: optional
Description: offline safeguarding access records for a school office PC
 Keyholder keeps a school's class restrictions (which staff may see which
 pupils), user-group permissions and soft keys (authenticator-app codes) in
 one encrypted file. It never needs a network connection.
 .
 Each user's school file lives in ~/.local/share/keyholder; removing or
 upgrading the package never touches it.
CONTROL

mkdir -p "$out"
deb="$out/keyholder_${version}_${arch}.deb"
dpkg-deb --root-owner-group "${compression[@]}" --build "$pkg" "$deb" >/dev/null
echo "$deb"
