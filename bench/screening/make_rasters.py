"""
Writes the screening bench's two maps: forest_2020.tif (1 forest, 0 not) and loss_year.tif
(0 no loss, N loss in 2000+N, as Hansen's lossyear), EPSG:4326 Byte GeoTIFFs the size of one
Hansen tile, tiled 256x256 and DEFLATE-compressed, with no nodata value (as Hansen's tiles).

The patterns are value noise: random values on coarse lattices, interpolated (smoothstep)
to every pixel and summed over octaves, then thresholded, so forest and clearings come in
patches tens to hundreds of pixels across with outlines wiggly at ~16 pixels, as on real
maps. Loss is put only where there was forest: after 2020 (years 21-24) inside today's
forest, where a second noise field (the clearings) is high; before 2020 (years 1-20) on a
band just below the forest threshold (forest in 2000, gone by 2020). Years come from a
lattice of 32-pixel cells, so one clearing mostly has one year.

Vectorised numpy, a strip of 256 rows (one row of tiles) at a time, written window by window
with rasterio, so memory stays at a few strips whatever the size.
  /usr/bin/python3 make_rasters.py OUT_DIR [size=40000] [pixel=0.00025] [west=-10] [north=10] [seed=2020]
Prints one JSON line of figures (seconds, shares) at the end.
"""
import json
import os
import sys
import time

import numpy as np
import rasterio
from rasterio.transform import from_origin

STRIP = 256
FOREST_OCTAVES = ((1024, 1.0), (256, 0.5), (64, 0.25), (16, 0.125))
CLEARING_OCTAVES = ((64, 1.0), (16, 0.5))
YEAR_CELL = 32
FOREST_SHARE = 0.42  # of the tile's pixels, forest in 2020
LOSS_AFTER_2020_SHARE = 0.03  # of the forest of 2020, lost in 2021-2024
LOSS_BEFORE_2020_SHARE = 0.08  # of the tile's non-forest, lost in 2001-2020 (forest in 2000)


def smooth_weights(s):
    t = (np.arange(s, dtype=np.float32) + 0.5) / s
    return t * t * (3 - 2 * t)


class Noise:
    """Value noise over a size x size raster: lattices of random values, one per octave."""

    def __init__(self, rng, size, octaves):
        self.octaves = []
        for cell, amp in octaves:
            n = size // cell + 2
            self.octaves.append((cell, np.float32(amp), rng.random((n, n), dtype=np.float32), smooth_weights(cell)))

    def strip(self, row0, rows, cols):
        """The field over rows row0..row0+rows, all columns, as float32."""
        out = np.zeros((rows, cols), dtype=np.float32)
        y = np.arange(row0, row0 + rows)
        for cell, amp, lattice, w in self.octaves:
            iy = y // cell
            wy = w[y % cell][:, None]
            # along y first (small: rows x lattice columns), then along x by broadcasting over each cell
            a = lattice[iy] * (1 - wy) + lattice[iy + 1] * wy
            a *= amp
            ncell = -(-cols // cell)
            v = a[:, :ncell, None] * (1 - w) + a[:, 1:ncell + 1, None] * w
            out += v.reshape(rows, ncell * cell)[:, :cols]
        return out

    def at(self, xs, ys):
        """The field at pixel positions (xs, ys) (integer arrays), for choosing thresholds."""
        out = np.zeros(xs.shape, dtype=np.float32)
        for cell, amp, lattice, w in self.octaves:
            ix, iy = xs // cell, ys // cell
            wx, wy = w[xs % cell], w[ys % cell]
            top = lattice[iy, ix] * (1 - wx) + lattice[iy, ix + 1] * wx
            bottom = lattice[iy + 1, ix] * (1 - wx) + lattice[iy + 1, ix + 1] * wx
            out += amp * (top * (1 - wy) + bottom * wy)
        return out


def main():
    out_dir = sys.argv[1]
    opts = dict(a.split('=', 1) for a in sys.argv[2:])
    size = int(opts.get('size', 40000))
    pixel = float(opts.get('pixel', 0.00025))
    west = float(opts.get('west', -10))
    north = float(opts.get('north', 10))
    seed = int(opts.get('seed', 2020))
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    forest = Noise(rng, size, FOREST_OCTAVES)
    clearing = Noise(rng, size, CLEARING_OCTAVES)
    year_cells = size // YEAR_CELL + 1
    year_lattice = rng.integers(0, 240, (year_cells, year_cells), dtype=np.uint8)

    # Thresholds from a million random pixels: the forest share, the share of forest cleared after
    # 2020, and the band below the forest threshold whose pixels were lost before 2020.
    xs = rng.integers(0, size, 1_000_000)
    ys = rng.integers(0, size, 1_000_000)
    f = forest.at(xs, ys)
    c = clearing.at(xs, ys)
    forest_cut = np.quantile(f, 1 - FOREST_SHARE)
    clearing_cut = np.quantile(c, 1 - LOSS_AFTER_2020_SHARE)
    band_cut = np.quantile(f[f <= forest_cut], 1 - LOSS_BEFORE_2020_SHARE)

    profile = dict(driver='GTiff', width=size, height=size, count=1, dtype='uint8', crs='EPSG:4326',
                   transform=from_origin(west, north, pixel, pixel), tiled=True, blockxsize=256, blockysize=256,
                   compress='deflate', interleave='band')
    paths = {name: os.path.join(out_dir, f'{name}.tif.partial') for name in ('forest_2020', 'loss_year')}
    counts = np.zeros(256, dtype=np.int64)
    forest_pixels = 0
    with rasterio.open(paths['forest_2020'], 'w', **profile) as forest_tif, rasterio.open(paths['loss_year'], 'w', **profile) as loss_tif:
        for row0 in range(0, size, STRIP):
            rows = min(STRIP, size - row0)
            window = rasterio.windows.Window(0, row0, size, rows)
            f = forest.strip(row0, rows, size)
            is_forest = f > forest_cut
            cleared = clearing.strip(row0, rows, size) > clearing_cut
            # one random byte per 32-pixel cell, read as a year after 2020 or before it
            cell_bytes = np.repeat(year_lattice[np.arange(row0, row0 + rows) // YEAR_CELL], YEAR_CELL, axis=1)[:, :size]
            after = is_forest & cleared
            before = ~is_forest & (f > band_cut)
            loss = np.where(after, 21 + cell_bytes % 4, np.where(before, 1 + cell_bytes % 20, 0)).astype(np.uint8)
            forest_tif.write(is_forest.astype(np.uint8), 1, window=window)
            loss_tif.write(loss, 1, window=window)
            forest_pixels += int(np.count_nonzero(is_forest))
            counts += np.bincount(loss.ravel(), minlength=256)
    for name, partial in paths.items():
        os.replace(partial, os.path.join(out_dir, f'{name}.tif'))
    total = size * size
    after_2020 = int(counts[21:25].sum())
    print(json.dumps({
        'seconds': round(time.perf_counter() - t0, 1),
        'forest_2020_share': forest_pixels / total,
        'loss_after_2020_share_of_forest': after_2020 / max(1, forest_pixels),
        'loss_2001_2020_share': int(counts[1:21].sum()) / total,
        'loss_pixels_by_value': {str(v): int(n) for v, n in enumerate(counts) if n and v},
    }))


if __name__ == '__main__':
    main()
