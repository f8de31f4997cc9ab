#!/usr/bin/env python3
"""Packs PNG files into a Windows .ico or a macOS .icns, with nothing but the standard library.

Both formats may hold PNG data as it is (Windows Vista and later, macOS 10.7 and later), so the
PNGs rendered from keyholder.svg go in unchanged.

    containers.py ico  OUT.ico  PNG...
    containers.py icns OUT.icns PNG...
"""

import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data, name):
    """Width and height from a PNG's IHDR chunk; refuses anything that is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise SystemExit(f"containers.py: {name} is not a PNG file")
    return struct.unpack(">II", data[16:24])


def read_pngs(paths):
    images = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        width, height = png_size(data, path)
        if width != height:
            raise SystemExit(f"containers.py: {path} is {width}x{height}; icons must be square")
        images.append((width, data))
    return sorted(images, key=lambda image: image[0])


def ico(images):
    """ICONDIR, one ICONDIRENTRY per image, then the PNG data. 256 is written as 0."""
    for size, _ in images:
        if size > 256:
            raise SystemExit(f"containers.py: .ico images can be at most 256 px, not {size}")
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        side = 0 if size == 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


# The PNG-based icns element types, by pixel size. Some sizes serve twice: as the 1x image of one
# point size and the 2x (Retina) image of the half size.
ICNS_TYPES = {
    16: [b"icp4"],
    32: [b"icp5", b"ic11"],
    64: [b"icp6", b"ic12"],
    128: [b"ic07"],
    256: [b"ic08", b"ic13"],
    512: [b"ic09", b"ic14"],
    1024: [b"ic10"],
}


def icns(images):
    body = b""
    for size, data in images:
        if size not in ICNS_TYPES:
            raise SystemExit(f"containers.py: no .icns slot for a {size} px image")
        for kind in ICNS_TYPES[size]:
            body += kind + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv):
    if len(argv) < 4 or argv[1] not in ("ico", "icns"):
        raise SystemExit(__doc__)
    images = read_pngs(argv[3:])
    packed = ico(images) if argv[1] == "ico" else icns(images)
    with open(argv[2], "wb") as f:
        f.write(packed)


if __name__ == "__main__":
    main(sys.argv)
