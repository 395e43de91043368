"""Cost of one frame of the browser view: a model step, then the map and charts drawn to PNG.

    python benchmarks/viz_frame.py                   # 10^4, the default 58,875 and 2x10^5 households
    python benchmarks/viz_frame.py --sizes 1000000

The app redraws after every step, so a frame is what a user waits for when pressing Step. The map
draws every town but only a fixed sample of agents, so drawing should not grow with households.
"""

from __future__ import annotations

import argparse
import io
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from matplotlib.figure import Figure  # noqa: E402

from sim.visualization.explorer import ExplorerModel  # noqa: E402
from sim.visualization.panels import draw_charts, draw_map  # noqa: E402

WARM_UP_MONTHS = 72  # into the famine, when there are traders and smugglers to draw
FRAMES = 6


def frame_seconds(model: ExplorerModel) -> tuple[float, float]:
    """Seconds for one step, and for drawing both figures to PNG as the app does."""
    start = time.perf_counter()
    model.step()
    stepped = time.perf_counter()
    map_figure, charts_figure = Figure(figsize=(7.0, 6.4)), Figure(figsize=(6.6, 7.4))  # the app's sizes
    draw_map(model, map_figure.subplots())
    draw_charts(model, charts_figure)
    for figure in (map_figure, charts_figure):
        figure.savefig(io.BytesIO(), format="png", dpi=80)
    return stepped - start, time.perf_counter() - stepped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 58_875, 200_000])
    args = parser.parse_args()
    print(f"{'households':>11} {'step s':>8} {'draw s':>8} {'frame s':>8}")
    for households in args.sizes:
        model = ExplorerModel(households=households)
        for _ in range(WARM_UP_MONTHS):
            model.step()
        frames = [frame_seconds(model) for _ in range(FRAMES)]
        step = sum(f[0] for f in frames) / FRAMES
        draw = sum(f[1] for f in frames) / FRAMES
        print(f"{households:>11,} {step:>8.3f} {draw:>8.3f} {step + draw:>8.3f}")


if __name__ == "__main__":
    main()
