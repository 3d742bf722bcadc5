#!/usr/bin/python3
"""Compares two web-map tile sets tile by tile, as the Java tests' TileSets does.

Usage: bench/compare_tiles.py EXPECTED ACTUAL [--tms-expected] [--tms-actual]
  EXPECTED, ACTUAL  an XYZ folder z/x/y.png (TMS rows with --tms-*) or an .mbtiles file (TMS rows
                    by the MBTiles spec, flipped to XYZ)
Prints one line of key=value: tiles only in each set, tiles in both, the mean and max per-tile mean
absolute difference over R, G, B, A (0-255; a pixel transparent in both sets counts as equal
whatever its colour), the tile of the max, and the share of pixels whose alpha differs.
Tiles are decoded with GDAL (PNG, JPEG, WebP) one pair at a time; 1 band -> gray, 2 -> gray+alpha,
3 -> RGB opaque, 4 -> RGBA. Needs the GDAL Python bindings and numpy (Debian: python3-gdal).
Exit status 0 whatever the differences; 2 on bad input.
"""
import os
import sqlite3
import sys
import uuid

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def folder(path, tms):
    keys = {}
    for z in os.listdir(path):
        if not z.isdigit() or not os.path.isdir(os.path.join(path, z)):
            continue
        for x in os.listdir(os.path.join(path, z)):
            if not x.isdigit() or not os.path.isdir(os.path.join(path, z, x)):
                continue
            for f in os.listdir(os.path.join(path, z, x)):
                stem, _, ext = f.rpartition(".")
                if stem.isdigit() and ext.lower() in ("png", "jpg", "jpeg", "webp"):
                    y = int(stem)
                    if tms:
                        y = (1 << int(z)) - 1 - y
                    keys[(int(z), int(x), y)] = os.path.join(path, z, x, f)

    def read(key):
        with open(keys[key], "rb") as fh:
            return fh.read()

    return set(keys), read, None


def mbtiles(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    keys = {(z, x, (1 << z) - 1 - row) for z, x, row in
            db.execute("SELECT zoom_level, tile_column, tile_row FROM tiles")}

    def read(key):
        z, x, y = key
        return db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                          (z, x, (1 << z) - 1 - y)).fetchone()[0]

    return keys, read, db


def open_set(path, tms):
    if os.path.isdir(path):
        return folder(path, tms)
    if path.endswith(".mbtiles") and os.path.isfile(path):
        return mbtiles(path)
    sys.stderr.write("%s: neither a tile folder nor an .mbtiles file\n" % path)
    sys.exit(2)


def rgba(data):
    name = "/vsimem/%s" % uuid.uuid4()
    gdal.FileFromMemBuffer(name, bytes(data))
    try:
        a = gdal.Open(name).ReadAsArray().astype(np.int16)
    finally:
        gdal.Unlink(name)
    if a.ndim == 2:
        a = a[None]
    n = a.shape[0]
    opaque = np.full(a.shape[1:], 255, np.int16)
    if n == 1:
        return np.stack([a[0], a[0], a[0], opaque])
    if n == 2:
        return np.stack([a[0], a[0], a[0], a[1]])
    if n == 3:
        return np.stack([a[0], a[1], a[2], opaque])
    return a[:4]


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    ka, read_a, _ = open_set(args[0], "--tms-expected" in argv)
    kb, read_b, _ = open_set(args[1], "--tms-actual" in argv)
    both = sorted(ka & kb)
    mads = []
    alpha_diff = pixels = 0
    worst = None
    for key in both:
        a, b = rgba(read_a(key)), rgba(read_b(key))
        if a.shape != b.shape:
            sys.stderr.write("tile %d/%d/%d: sizes %s and %s\n" % (key + (a.shape, b.shape)))
            return 2
        d = np.abs(a - b)
        d[:, (a[3] == 0) & (b[3] == 0)] = 0
        mad = float(d.sum()) / d.size
        mads.append(mad)
        if worst is None or mad > worst[1]:
            worst = (key, mad)
        alpha_diff += int((a[3] != b[3]).sum())
        pixels += a[3].size
    print("only_expected=%d only_actual=%d both=%d same_tiles=%s mean_mad=%.4f max_mad=%.4f max_tile=%s "
          "alpha_differs=%.4f%%" % (
              len(ka - kb), len(kb - ka), len(both), "yes" if ka == kb else "no",
              sum(mads) / len(mads) if mads else 0.0, worst[1] if worst else 0.0,
              "%d/%d/%d" % worst[0] if worst else "-", 100.0 * alpha_diff / pixels if pixels else 0.0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
