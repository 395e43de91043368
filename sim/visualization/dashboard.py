"""A one-page dashboard of a run's monthly series (matplotlib, written to PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

EVENTS = {  # shaded periods and marked dates of the baseline history
    "famine": ("1994-01-01", "1998-12-31"),
    "heavy sanctions": ("2016-03-01", "2017-12-31"),
    "border closed": ("2020-02-01", "2020-12-31"),
}
REDENOMINATION = "2009-12-01"


def _mark_history(ax: Axes, dates: pd.Series) -> None:
    start, end = dates.min(), dates.max()
    colours = {"famine": "#f4cccc", "heavy sanctions": "#d9d2e9", "border closed": "#cfe2f3"}
    for name, (a, b) in EVENTS.items():
        a, b = max(pd.Timestamp(a), start), min(pd.Timestamp(b), end)
        if a < b:
            ax.axvspan(a, b, color=colours[name], alpha=0.6, lw=0, label=name)
    if start <= pd.Timestamp(REDENOMINATION) <= end:
        ax.axvline(pd.Timestamp(REDENOMINATION), color="grey", ls=":", lw=1, label="redenomination")


# Titles at a fixed height: left to matplotlib, each is moved clear of the twin axes, which took a tenth
# of the dashboard's time.
@rc_context({"axes.titley": 1.0})
def plot_dashboard(
    series: pd.DataFrame, path: Path, title: str = "Jangmadang baseline", image_format: str = "png"
) -> Path:
    """Six panels: market reliance, traders and markets, prices, exchange rate, hunger, smuggling."""
    dates = series["date"]
    # fixed margins: constrained layout would take half the dashboard's second to place six panels
    fig = Figure(figsize=(13, 11))
    fig.subplots_adjust(left=0.06, right=0.94, bottom=0.06, top=0.93, wspace=0.3, hspace=0.18)
    axes = fig.subplots(3, 2, sharex=True)
    (reliance, counts), (prices, fx), (hunger, smuggling) = axes

    reliance.plot(dates, 100 * series["market_reliance_share"], color="C0", label="reliant on markets")
    reliance.plot(dates, 100 * series["women_share_of_traders"], color="C3", ls="--", label="women among traders")
    reliance.set_ylabel("% of population / % of traders")
    reliance.set_title("Market reliance")

    counts.plot(dates, series["traders"] / 1e3, color="C0", label="traders")
    counts.plot(dates, series["stalls"] / 1e3, color="C1", label="stalls")
    counts.plot(dates, series["smugglers"] / 1e3, color="C2", label="smugglers")
    counts.set_ylabel("thousands")
    markets = counts.twinx()
    markets.plot(dates, series["markets"], color="k", lw=1, label="official markets (right)")
    markets.set_ylabel("official markets")
    counts.set_title("Traders, stalls and markets")

    prices.semilogy(dates, series["grain_price_won_per_kg"], color="C1", label="grain, won/kg")
    prices.semilogy(dates, series["import_price_won_per_unit"], color="C4", label="imported goods, won/unit")
    prices.set_ylabel("won (log; new won from Dec 2009)")
    prices.set_title("Market prices (household-weighted mean over towns)")

    fx.semilogy(dates, series["won_per_dollar"], color="C5", label="won per dollar")
    fx.semilogy(dates, series["won_per_yuan"], color="C6", label="won per yuan")
    fx.set_ylabel("won (log; new won from Dec 2009)")
    fx.set_title("Market exchange rates")

    hunger.plot(dates, 100 * series["hunger_rate"], color="C3", label="hungry, % of population")
    hunger.plot(dates, 100 * series["starvation_rate"], color="C3", ls="--", label="starving, % of population")
    hunger.set_ylabel("% of population")
    deaths = hunger.twinx()
    deaths.plot(dates, series["excess_deaths_cumulative"] / 1e3, color="k", lw=1, label="famine deaths (right)")
    deaths.set_ylabel("cumulative famine deaths, thousands")
    hunger.set_title("Hunger and famine mortality")

    smuggling.plot(dates, series["smuggling_volume_yuan"] / 1e6, color="C2", label="goods smuggled in, M yuan")
    smuggling.plot(dates, series["remittances_yuan"] / 1e6, color="C9", label="remittances, M yuan")
    smuggling.set_ylabel("million yuan per month")
    seized = smuggling.twinx()
    seized.plot(dates, series["seizures"], color="k", lw=0.8, alpha=0.7, label="seizures (right)")
    seized.set_ylabel("seized crossings per month")
    smuggling.set_title("Smuggling and remittances")

    for ax, twin in (
        (reliance, None),
        (counts, markets),
        (prices, None),
        (fx, None),
        (hunger, deaths),
        (smuggling, seized),
    ):
        _mark_history(ax, dates)
        handles, labels = ax.get_legend_handles_labels()
        if twin is not None:
            more_handles, more_labels = twin.get_legend_handles_labels()
            handles, labels = handles + more_handles, labels + more_labels
        ax.legend(handles, labels, fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.xaxis.set_major_locator(mdates.YearLocator(5))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("date (monthly)")
    fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format=image_format)
    return path
