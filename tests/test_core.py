"""The building blocks: agent tables, schedules, the ledger and per-group arithmetic."""

import numpy as np
import pytest

from sim.core.groupby import (
    SortedGroups,
    allocate,
    draw_members,
    fill_ratio,
    group_mean_or_overall,
    group_sum,
)
from sim.core.ledger import Ledger
from sim.core.schedule import Schedule, month_label, to_month
from sim.core.table import AgentTable


def test_table_columns_write_through_and_grow():
    table = AgentTable({"won": np.float64, "town": np.int32}, capacity=2)
    rows = table.add(3, won=[1.0, 2.0, 3.0], town=7)
    assert list(rows) == [0, 1, 2] and len(table) == 3 and table.n_active == 3
    table.won += 1.0
    table.won[1] = 10.0
    assert table.won.tolist() == [2.0, 10.0, 4.0]
    more = table.add(2, won=5.0)
    assert list(more) == [3, 4]
    assert table.won.tolist() == [2.0, 10.0, 4.0, 5.0, 5.0]
    assert table.town.tolist() == [7, 7, 7, 0, 0]
    with pytest.raises(AttributeError, match="no column"):
        _ = table.cash
    with pytest.raises(KeyError):
        table.add(1, cash=1.0)


def test_schedule_step_and_linear():
    step = Schedule.of({1990: 1.0, "1994-07": 0.5})
    assert step.at(to_month(1985)) == 1.0
    assert step.at(to_month("1994-06")) == 1.0
    assert step.at(to_month("1994-07")) == 0.5
    linear = Schedule.of({"kind": "linear", 2000: 0.0, 2001: 12.0})
    assert linear.at(to_month("2000-07")) == pytest.approx(6.0)
    assert Schedule.of(0.3).at(to_month(2050)) == 0.3
    assert month_label(to_month("2009-12-30")) == "2009-12"


@pytest.mark.parametrize("bad", [{}, {1995: 1, 1990: 2}, {"1990-13": 1.0}, {"kind": "cubic", 1990: 1.0}, "x"])
def test_schedule_rejects_bad_specs(bad):
    with pytest.raises(ValueError):
        Schedule.of(bad)


def test_ledger_explains_holdings_and_rebases():
    ledger = Ledger({"won": 100.0})
    ledger.record("won", "wages", 50.0)
    ledger.record("won", "fees", -20.0)
    assert ledger.expected("won") == 130.0
    assert ledger.this_month("won", "wages") == 50.0
    ledger.new_month()
    assert ledger.this_month("won", "wages") == 0.0 and ledger.expected("won") == 130.0
    ledger.rebase("won", 0.01)
    assert ledger.expected("won") == pytest.approx(1.3)


def test_group_arithmetic():
    group = np.array([0, 0, 2])
    assert group_sum(np.array([1.0, 2.0, 3.0]), group, 3).tolist() == [3.0, 0.0, 3.0]
    assert fill_ratio(np.array([10.0, 0.0, 4.0]), np.array([5.0, 1.0, 8.0])).tolist() == [0.5, 1.0, 1.0]
    shares = allocate(np.array([9.0, 5.0, 0.0]), np.array([1.0, 2.0, 0.0]), group)
    assert shares.tolist() == [3.0, 6.0, 0.0]
    values, selected = np.array([1.0, 3.0, 8.0]), np.array([True, True, False])
    assert group_mean_or_overall(values, group, selected, 3).tolist() == [2.0, 2.0, 2.0]  # towns 1, 2: overall
    assert group_mean_or_overall(values, group, np.ones(3, bool), 3).tolist() == [2.0, 4.0, 8.0]
    assert group_mean_or_overall(values, group, np.zeros(3, bool), 3).tolist() == [0.0, 0.0, 0.0]


def test_draw_members_follows_weights_and_skips_zero_weights():
    rng = np.random.default_rng(0)
    picks = draw_members(rng, np.cumsum([0.0, 1.0, 3.0, 0.0]), 40_000)
    counts = np.bincount(picks, minlength=4)
    assert counts[0] == 0 and counts[3] == 0
    assert counts[2] / counts[1] == pytest.approx(3.0, rel=0.05)
    assert len(draw_members(rng, np.cumsum(np.zeros(3)), 5)) == 0


def test_sorted_groups_agree_with_bincount_and_fancy_indexing():
    rng = np.random.default_rng(3)
    group = np.sort(rng.choice([0, 2, 3, 7], size=200))  # groups 1, 4, 5, 6 are empty
    values = rng.random(200)
    groups = SortedGroups(group, 8)
    assert np.allclose(groups.sum(values), np.bincount(group, weights=values, minlength=8))
    assert groups.sum(values)[[1, 4, 5, 6]].tolist() == [0.0] * 4
    assert np.array_equal(groups.sum(values > 0.5), np.bincount(group[values > 0.5], minlength=8))
    per_group = rng.random(8)
    assert np.array_equal(groups.spread(per_group), per_group[group])
    with pytest.raises(ValueError, match="sorted"):
        SortedGroups(group[::-1], 8)


def test_compact_drops_departed_rows_and_says_where_the_rest_went():
    table = AgentTable({"won": np.float64}, capacity=4)
    table.add(6, won=np.arange(6.0))
    table.active[[1, 4]] = False
    new_row = table.compact()
    assert new_row.tolist() == [0, -1, 1, 2, -1, 3]
    assert len(table) == 4 and table.won.tolist() == [0.0, 2.0, 3.0, 5.0] and table.active.all()
    assert table.add(1, won=9.0).tolist() == [4]


def test_the_allocator_is_only_retuned_for_arrays_beyond_its_own_reuse_ceiling():
    from sim.core.memory import DYNAMIC_MMAP_CEILING_BYTES, reuse_freed_memory_for

    assert reuse_freed_memory_for(DYNAMIC_MMAP_CEILING_BYTES) is False  # small runs: left as they are
