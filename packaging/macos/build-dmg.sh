#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds Keyholder-<version>.dmg on a Mac: one universal Keyholder.app (Apple silicon and Intel)
# next to a link to /Applications, so it installs by dragging. The version comes from Cargo.toml.
#
#   packaging/macos/build-dmg.sh [--out DIR] [--no-build]
#
#   --out DIR    where the .dmg goes (default: target/packages)
#   --no-build   use the release binaries already in target/<arch>-apple-darwin/release
#
# Signing (see SIGNING.md) happens only when asked:
#   KEYHOLDER_SIGN_IDENTITY="Developer ID Application: ..."   sign the app and the .dmg
#   KEYHOLDER_NOTARY_PROFILE=<notarytool keychain profile>      then notarise and staple the .dmg
# Without an identity the app gets an ad-hoc signature: it runs, but Gatekeeper warns on first open.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$here/../lib.sh"
root="$(repo_root)"
targets=(aarch64-apple-darwin x86_64-apple-darwin)

out="$root/target/packages"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) echo "build-dmg.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$(uname -s)" != Darwin ]; then
  echo "build-dmg.sh: this runs on a Mac (it needs lipo, codesign and hdiutil from Xcode's" >&2
  echo "command line tools). On Linux, build-linux.sh and build-windows.sh make the other packages." >&2
  exit 2
fi
missing=()
for tool in cargo rustup lipo codesign hdiutil plutil; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-dmg.sh: missing ${missing[*]}. Install Xcode's command line tools" >&2
  echo "(xcode-select --install) and Rust (https://rustup.rs)." >&2
  exit 2
fi
if [ "$build" = 1 ]; then
  for t in "${targets[@]}"; do
    if ! rustup target list --installed | grep -qx "$t"; then
      echo "build-dmg.sh: the Rust target $t is missing: rustup target add $t" >&2
      exit 2
    fi
  done
fi

version="$(cargo_version "$root")"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
if [ "$build" = 1 ]; then
  for t in "${targets[@]}"; do
    echo "build-dmg.sh: cargo build --release --locked --target $t"
    (cd "$root" && MACOSX_DEPLOYMENT_TARGET=11.0 cargo build --release --locked --target "$t" --bin keyholder)
  done
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
app="$stage/Keyholder.app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"

# One executable holding both architectures.
lipo -create -output "$app/Contents/MacOS/keyholder" \
  "$target_dir/aarch64-apple-darwin/release/keyholder" \
  "$target_dir/x86_64-apple-darwin/release/keyholder"
lipo "$app/Contents/MacOS/keyholder" -verify_arch arm64 x86_64

"$here/fill-plist.sh" "$version" "$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
cp "$root/packaging/icons/keyholder.icns" "$app/Contents/Resources/keyholder.icns"

if [ -n "${KEYHOLDER_SIGN_IDENTITY:-}" ]; then
  echo "build-dmg.sh: signing with $KEYHOLDER_SIGN_IDENTITY (hardened runtime)"
  codesign --force --options runtime --timestamp --sign "$KEYHOLDER_SIGN_IDENTITY" "$app"
else
  echo "build-dmg.sh: no KEYHOLDER_SIGN_IDENTITY: ad-hoc signature only (Gatekeeper will warn)"
  codesign --force --sign - "$app"
fi
codesign --verify --strict --verbose=2 "$app"

ln -s /Applications "$stage/Applications"
mkdir -p "$out"
dmg="$out/Keyholder-$version.dmg"
hdiutil create -volname "Keyholder $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "${KEYHOLDER_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$KEYHOLDER_SIGN_IDENTITY" "$dmg"
  if [ -n "${KEYHOLDER_NOTARY_PROFILE:-}" ]; then
    echo "build-dmg.sh: notarising (this waits for Apple's answer)"
    xcrun notarytool submit "$dmg" --keychain-profile "$KEYHOLDER_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose "$dmg"
  fi
fi
echo "$dmg"
