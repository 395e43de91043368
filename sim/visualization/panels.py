"""The browser app's pictures, drawn with matplotlib from a live model: the map and the running charts.

Drawing reads the model and never changes it, nor draws from its random generator: watching a run
leaves its results as they would be unwatched. At any scale the map shows every town but only a
sample of agents, so a frame costs the same at 10^4 or 10^6 households.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from sim.indicators import market_snapshot
from sim.world import GRAIN

if TYPE_CHECKING:
    from sim.model import JangmadangModel

AGENTS_DRAWN_PER_TYPE = 300  # sampled dots per agent type on the map
JITTER_CELLS = 0.38  # dots scatter this far around their town, so a town's agents read as a cloud
AGENT_STYLE = {  # table: (label, marker, colour, size)
    "households": ("households", ".", "#616161", 10),
    "traders": ("traders", "o", "#1f77b4", 9),
    "smugglers": ("smugglers", "^", "#2ca02c", 22),
    "officials": ("market officials", "s", "#000000", 9),
}


def agent_sample(model: JangmadangModel, table_name: str, size: int = AGENTS_DRAWN_PER_TYPE) -> np.ndarray:
    """Rows of up to `size` active agents of one type, the same rows while they stay active.

    A fixed generator, not the model's, picks them: drawing must not change the run.
    """
    rows = np.flatnonzero(getattr(model.world, table_name).active)
    if len(rows) <= size:
        return rows
    return np.sort(np.random.default_rng(len(rows)).choice(rows, size=size, replace=False))


def draw_map(model: JangmadangModel, ax: Axes, highlight: int | None = None) -> None:
    """The grid with the Chinese border along the top, towns sized by traders and coloured by grain price,
    official markets ringed, a sample of agents of each type around their towns, and the `highlight` town
    (the one being inspected) marked."""
    geo, p = model.world.geo, model.p
    towns = market_snapshot(model.world)
    ax.set_xlim(-1, p.grid_width)
    ax.set_ylim(p.grid_height, -2.2)
    ax.set_aspect("equal")
    ax.set_facecolor("#f7f4ec")
    ax.axhspan(-2.2, -0.5, color="#e8d9d9", lw=0)
    ax.axhline(-0.5, color="firebrick", lw=2.5)
    ax.text(p.grid_width / 2, -1.35, "CHINA  (border: Yalu and Tumen rivers)", ha="center", va="center", fontsize=8)

    jitter = np.random.default_rng(0)
    for table_name, (label, marker, colour, size) in AGENT_STYLE.items():
        table = getattr(model.world, table_name)
        rows = agent_sample(model, table_name)
        town = table.town[rows]
        x = geo.x[town] + jitter.uniform(-JITTER_CELLS, JITTER_CELLS, len(rows))
        y = geo.y[town] + jitter.uniform(-JITTER_CELLS, JITTER_CELLS, len(rows))
        if table_name == "traders":
            colour = np.where(table.good[rows] == GRAIN, "#1f77b4", "#ff7f0e")
        weight = 1.0 if table_name == "officials" else model.weight  # one official per town, at any scale
        shown = " (sample shown)" if table.n_active > len(rows) else ""
        label = f"{label}: {table.n_active * weight:,.0f}{shown}"
        ax.scatter(x, y, s=size, marker=marker, c=colour, alpha=0.7, lw=0, zorder=3, label=label)

    traders = towns["traders"]
    price = np.maximum(towns["grain_price_won_per_kg"], 1e-3)
    low, high = np.percentile(price, [5, 95])  # a few outlying towns would wash out the others' colours
    area = 12 + 380 * np.sqrt(traders / max(traders.max(), 1.0))
    official = towns["official_market"]
    dots = ax.scatter(
        geo.x,
        geo.y,
        s=area,
        c=price,
        cmap="plasma",
        norm=LogNorm(vmin=low, vmax=max(high, low * 1.01)),
        edgecolors=np.where(official, "black", "none"),
        linewidths=1.2,
        alpha=0.6,
        zorder=2,
    )
    closed = ~towns["market_open"]
    ax.scatter(
        geo.x[closed],
        geo.y[closed],
        marker="x",
        s=12,
        c="red",
        alpha=0.45,
        lw=1,
        zorder=4,
        label=f"market closed by a crackdown: {int(closed.sum())}",
    )
    ax.scatter([], [], s=60, facecolors="none", edgecolors="black", label=f"official markets: {int(official.sum())}")
    if highlight is not None and 0 <= highlight < len(geo.x):
        ax.scatter([geo.x[highlight]], [geo.y[highlight]], s=420, facecolors="none", edgecolors="#00a2ff", lw=2.5,
                   zorder=5, label=f"town {highlight} (inspected)")  # fmt: skip
    colorbar = ax.figure.colorbar(dots, ax=ax, shrink=0.6, pad=0.02)
    colorbar.set_label("grain price, won/kg (log)")
    ax.set_title(f"{model.date}: {p.market_towns} market towns, size = traders, colour = grain price", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="lower left", fontsize=8, framealpha=0.85, markerscale=1.5, title="real numbers", title_fontsize=8)


# (indicator, label, scale, colour) per chart; several lines share one chart
CHARTS = {
    "Market reliance, % of population": [("market_reliance_share", "reliant on markets", 100, "C0")],
    "Grain price, won/kg": [("grain_price_won_per_kg", "grain", 1, "C1")],
    "Exchange rate, won per yuan": [("won_per_yuan", "won per yuan", 1, "C5")],
    "Hunger, % of population": [
        ("hunger_rate", "below the hunger line", 100, "C3"),
        ("starvation_rate", "below the starvation line", 100, "k"),
    ],
    "Smuggling, crossings a month (real)": [
        ("crossings", "crossings", 1, "C2"),
        ("seizures", "seized", 1, "k"),
    ],
}
LOG_CHARTS = {"Grain price, won/kg", "Exchange rate, won per yuan"}


def draw_charts(model: JangmadangModel, fig: Figure) -> None:
    """The running monthly series of the main indicators, one small chart each."""
    series = model.timeseries()
    axes = fig.subplots(len(CHARTS), 1, sharex=True)
    fig.subplots_adjust(
        left=0.13, right=0.97, top=0.96, bottom=0.05, hspace=0.42
    )  # fixed: a layout engine doubles the cost
    for ax, (title, lines) in zip(axes, CHARTS.items(), strict=True):
        for column, label, scale, colour in lines:
            if len(series):
                ax.plot(series["date"], scale * series[column], color=colour, lw=1.4, label=label)
        if title in LOG_CHARTS and len(series):
            ax.set_yscale("log")
        ax.set_title(title, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        if len(lines) > 1 and len(series):
            ax.legend(fontsize=7, loc="upper left")
    if not len(series):
        axes[0].text(0.5, 0.5, "press Step or Play", ha="center", va="center", transform=axes[0].transAxes)


def town_choices(model: JangmadangModel) -> dict[str, int]:
    """Each town as a label for a picker, largest first: its number, kind and share of households."""
    world = model.world
    residents = world.residents_per_town
    share = residents / max(residents.sum(), 1.0)
    labels = {}
    for town in np.argsort(-residents, kind="stable"):
        kind = "capital" if town == world.geo.capital else ("border town" if world.geo.border[town] else "town")
        labels[f"{kind} {town}: {100 * share[town]:.1f}% of households"] = int(town)
    return labels


def town_figures(model: JangmadangModel, town: int) -> dict[str, str]:
    """What the inspector shows of one town this month, in real units."""
    world, towns = model.world, market_snapshot(model.world)
    official = towns["official_market"][town]
    where = "on the border" if world.geo.border[town] else f"{world.geo.y[town]} cells from the border"
    sold = towns["grain_sold_by_traders_kg"][town]
    carried_in = towns["grain_carried_in_kg"][town] / sold if sold > 0 else 0.0
    return {
        "Town": f"{town} ({where})",
        "Households": f"{world.residents_per_town[town] * world.weight:,.0f}",
        "Grain price": f"{towns['grain_price_won_per_kg'][town]:,.1f} won/kg",
        "Imported goods": f"{towns['import_price_won_per_unit'][town]:,.0f} won/unit",
        "Traders": f"{towns['traders'][town]:,.0f}",
        "Stalls": f"{towns['stalls'][town]:,.0f}",
        "Grain sold by traders": f"{sold:,.0f} kg this month, {carried_in:.0%} carried in from other towns",
        "Market": "official market"
        if official
        else ("open" if towns["market_open"][town] else "closed by a crackdown"),
    }
