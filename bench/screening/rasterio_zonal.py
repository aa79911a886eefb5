"""
The screening bench's reference: zonal statistics of each plot as a rasterio script does it.
Both rasters are opened once; then per plot, in file order, a windowed read of the plot's box
from each and rasterio.features.geometry_mask (pixels whose centre is inside, rasterio's
default), and the forest % (masked pixels with value 1) and the loss after 2020 (masked
loss_year pixels above 20) as shares of the masked pixels. Only this loop is timed.

Then, untimed, a finer reference for the same plots: the mask drawn on a grid SUPERSAMPLE
times finer, so each pixel counts by the share of its sub-pixels inside the plot (the exact
coverage fraction to about 1/SUPERSAMPLE² of a pixel), to tell the method's difference
(centre of pixel against exact fraction) from an error.
  /usr/bin/python3 rasterio_zonal.py FOREST.tif LOSS.tif SAMPLE.ndjson OUT.ndjson [supersample=16]
SAMPLE lines: {"index", "plot_id", "point", "rings"} (GeoJSON Polygon coordinates, lon/lat).
OUT: one line per plot, then a last line {"summary": {...}}.
"""
import json
import math
import sys
import time

import numpy as np
import rasterio
from affine import Affine
from rasterio.features import geometry_mask
from rasterio.windows import Window

LOSS_AFTER = 20  # loss_year values above this are 2021 or later: after the 2020-12-31 cut-off


def plot_window(ds, rings):
    """The window of whole pixels around the outer ring's box."""
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    inv = ~ds.transform
    c0, r0 = inv * (min(xs), max(ys))
    c1, r1 = inv * (max(xs), min(ys))
    col0, row0 = math.floor(c0), math.floor(r0)
    return Window(col0, row0, math.ceil(c1) - col0, math.ceil(r1) - row0)


def centre_of_pixel(forest, loss, plot):
    geom = {'type': 'Polygon', 'coordinates': plot['rings']}
    window = plot_window(forest, plot['rings'])
    f = forest.read(1, window=window)
    lo = loss.read(1, window=window)
    inside = geometry_mask([geom], out_shape=f.shape, transform=forest.window_transform(window), invert=True)
    n = int(inside.sum())
    if n == 0:
        return window, 0, None, None
    return window, n, 100.0 * np.count_nonzero(f[inside] == 1) / n, 100.0 * np.count_nonzero(lo[inside] > LOSS_AFTER) / n


def fractional(forest, loss, plot, window, k):
    """Forest % and loss % weighting each pixel by its share of k x k sub-pixels inside the plot."""
    geom = {'type': 'Polygon', 'coordinates': plot['rings']}
    f = forest.read(1, window=window)
    lo = loss.read(1, window=window)
    fine = forest.window_transform(window) * Affine.scale(1 / k)
    sub = geometry_mask([geom], out_shape=(f.shape[0] * k, f.shape[1] * k), transform=fine, invert=True)
    share = sub.reshape(f.shape[0], k, f.shape[1], k).mean(axis=(1, 3))
    total = share.sum()
    if total == 0:
        return None, None
    return 100.0 * share[f == 1].sum() / total, 100.0 * share[lo > LOSS_AFTER].sum() / total


def main():
    forest_path, loss_path, sample_path, out_path = sys.argv[1:5]
    opts = dict(a.split('=', 1) for a in sys.argv[5:])
    k = int(opts.get('supersample', 16))
    with open(sample_path) as fh:
        plots = [json.loads(line) for line in fh]

    t0 = time.perf_counter()
    forest = rasterio.open(forest_path)
    loss = rasterio.open(loss_path)
    open_seconds = time.perf_counter() - t0
    rows = []
    t1 = time.perf_counter()
    for plot in plots:
        s = time.perf_counter()
        window, n, forest_pct, loss_pct = centre_of_pixel(forest, loss, plot)
        rows.append((plot, window, n, forest_pct, loss_pct, time.perf_counter() - s))
    loop_seconds = time.perf_counter() - t1

    with open(out_path, 'w') as out:
        for plot, window, n, forest_pct, loss_pct, seconds in rows:
            exact_forest, exact_loss = fractional(forest, loss, plot, window, k)
            out.write(json.dumps({
                'plot_id': plot['plot_id'], 'point': plot['point'], 'pixels': n, 'seconds': seconds,
                'forest_pct': forest_pct, 'loss_after_pct': loss_pct,
                'fine_forest_pct': exact_forest, 'fine_loss_after_pct': exact_loss,
            }) + '\n')
        out.write(json.dumps({'summary': {
            'plots': len(plots), 'open_seconds': open_seconds, 'loop_seconds': loop_seconds,
            'rasterio': rasterio.__version__, 'gdal': rasterio.__gdal_version__, 'numpy': np.__version__,
            'python': sys.version.split()[0], 'supersample': k,
        }}) + '\n')


if __name__ == '__main__':
    main()
