#!/usr/bin/env python3
"""Draws Regard's app icons (an eye-like ring on blue) as PNG files, with no
image library: the icons are committed, this script documents how they were made.
Run: python3 scripts/make-icons.py"""
import struct
import zlib
from pathlib import Path

BLUE = (11, 92, 173)
WHITE = (255, 255, 255)


def pixel(x, y, size, maskable):
    c = (size - 1) / 2
    dx, dy = (x - c) / size, (y - c) / size
    if not maskable:
        # Rounded square with transparent corners.
        r, half = 0.18, 0.5
        qx, qy = max(abs(dx) - (half - r), 0), max(abs(dy) - (half - r), 0)
        if qx * qx + qy * qy > r * r:
            return (0, 0, 0, 0)
    # Maskable icons keep their drawing inside the central safe circle (40 % radius).
    scale = 0.75 if maskable else 1.0
    d = (dx * dx + dy * dy) ** 0.5 / scale
    if 0.22 <= d <= 0.30 or d <= 0.10:
        return WHITE + (255,)
    return BLUE + (255,)


def png(size, maskable):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size, maskable)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


out = Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size, False))
    (out / f"maskable-{size}.png").write_bytes(png(size, True))
print(f"icons written to {out}")
