#!/usr/bin/env bash
# Renders keyholder.svg into every icon file the installers and the app use:
#   png/keyholder-<size>.png   16 32 48 64 128 256 512 (Linux hicolor theme, window icon) and 1024 (.icns)
#   keyholder.ico              Windows (installer, shortcut, Add/Remove Programs)
#   keyholder.icns             macOS (.app bundle)
# The results are committed, so building an installer never needs these tools; run this only after
# changing the SVG. Needs one SVG renderer (rsvg-convert, inkscape or ImageMagick) and python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
svg="$here/keyholder.svg"
out="$here/png"
sizes=(16 32 48 64 128 256 512 1024)

render() { # render SIZE FILE
  local size="$1" file="$2"
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" --output "$file"
  elif command -v inkscape >/dev/null; then
    inkscape "$svg" --export-type=png --export-width="$size" --export-height="$size" \
      --export-filename="$file" >/dev/null 2>&1
  elif command -v magick >/dev/null; then
    magick -background none -density 1200 "$svg" -resize "${size}x${size}" "PNG32:$file"
  else
    return 1
  fi
}

if ! command -v rsvg-convert >/dev/null && ! command -v inkscape >/dev/null \
  && ! command -v magick >/dev/null; then
  echo "render.sh: no SVG renderer found. Install one of:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install librsvg2-bin   (rsvg-convert)" >&2
  echo "  macOS:         brew install librsvg" >&2
  exit 2
fi
if ! command -v python3 >/dev/null; then
  echo "render.sh: python3 is needed to build the .ico and .icns files." >&2
  exit 2
fi

mkdir -p "$out"
for size in "${sizes[@]}"; do
  render "$size" "$out/keyholder-$size.png"
done
python3 "$here/containers.py" ico "$here/keyholder.ico" \
  "$out"/keyholder-{16,32,48,64,128,256}.png
python3 "$here/containers.py" icns "$here/keyholder.icns" \
  "$out"/keyholder-{16,32,64,128,256,512,1024}.png
echo "render.sh: wrote $out/*.png, keyholder.ico and keyholder.icns"
