"""The baseline history, 1990-2020, as driver schedules (`{date: value}`; held until the next date).

Figures marked FACTS are the documented ones listed in ../shared/FACTS.md. The rest are stated
approximations that fill the years between them, or the stance of policy on a 0-1 scale; the
calibration issue may revise them. Money amounts are in the won of the day: old won before
the redenomination of December 2009, new won after it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

HISTORY = ("1990-01", "2020-12")  # the period the schedules document; outside it they hold their end values

# Milled cereal production, million tonnes. FACTS: ~3.3 Mt in 2008/09, ~4.5-5.1 Mt in 2010-2016,
# need ~5.3-5.5 Mt. 1990s values approximate the FAO/WFP and Haggard & Noland series (floods 1995-96).
# A figure is a crop year's (2008/09: the harvest of autumn 2008), so it is dated at that October's
# harvest: dated at January, the straight line between figures gave each October harvest three quarters
# of the next year's figure (the 2008/09 shortfall fell on the harvest of 2007).
HARVEST_MT = {
    "kind": "linear",
    "1990-10": 5.4, "1993-10": 4.8, "1995-10": 3.5, "1996-10": 2.8, "1997-10": 2.7, "1998-10": 3.5,
    "2000-10": 3.3, "2004-10": 4.2, "2007-10": 4.0, "2008-10": 3.3, "2010-10": 4.5, "2013-10": 5.0,
    "2016-10": 5.0, "2018-10": 4.7, "2020-10": 4.4,
}  # fmt: skip

# Public distribution ration, grams per person per day. FACTS: 600-700 g before 1987, -10% 1987 and 1992,
# 400 g in 1994, 128 g in 1997, 150 g mid-2008, 380-400 g 2013-2018, 300 g 2019.
RATION_G_PER_PERSON_DAY = {
    1990: 550, 1992: 500, 1994: 400, 1997: 128, 2000: 250, 2005: 300, "2008-06": 150, 2010: 300,
    2013: 390, 2019: 300,
}  # fmt: skip

# Share of non-farm households the distribution still reaches. FACTS: 30% of refugees said it had
# stopped by 1993, 93% by 1996; it fed about 6% of the population by 1997. Later years approximate.
PDS_COVERAGE = {
    1990: 1.0, 1993: 0.7, 1995: 0.3, 1996: 0.07, 1997: 0.06, 2000: 0.2, 2003: 0.35, 2010: 0.4,
    2013: 0.5, 2020: 0.45,
}  # fmt: skip

# International food aid, million tonnes a year, targeted at hungry households. Approximate WFP/INTERFAIS
# deliveries (not in FACTS): from 1996, about 1 Mt a year 1998-2005, small after 2008.
FOOD_AID_MT = {
    "kind": "linear",
    1990: 0.0, 1995: 0.0, 1996: 0.3, 1997: 0.8, 1998: 1.0, 2001: 1.3, 2005: 0.9, 2006: 0.4, 2008: 0.3,
    2012: 0.2, 2020: 0.05,
}  # fmt: skip

# Average state wage, won of the day per worker per month. FACTS: ~70-100 in the 1970s-1990s; ~2,000 after
# the July 2002 reform; ~6,000 in 2008; 2,000-6,000 new won in 2011-2012 (wages were kept at the same number
# of won at the 2009 redenomination); 5,000-10,000 in 2022. The middle of each reported range, linear
# between the reported years.
WAGE_WON_PER_WORKER_MONTH = {
    "kind": "linear",
    1990: 85, "2002-06": 85, "2002-07": 2_000, 2008: 6_000, "2011-07": 4_000, 2022: 7_500,
}  # fmt: skip

# State price of rationed grain, won of the day per kg. FACTS: 0.08 before the July 2002 reform, 44 after.
# After the 2009 redenomination held at the same number of new won (assumed, as wages: not documented).
STATE_GRAIN_PRICE_WON_PER_KG = {1990: 0.08, "2002-07": 44.0}

# State procurement price paid to farms, won of the day per kg. FACTS: 0.8 before July 2002, 40 after;
# held at the same number of new won after the redenomination (assumed).
PROCUREMENT_PRICE_WON_PER_KG = {1990: 0.8, "2002-07": 40.0}

# How far the state economy still works (wages actually paid, state shops supplied), 0-1. Approximate:
# factories idle through the late 1990s, partial recovery after 2002.
STATE_ECONOMY_INDEX = {
    "kind": "linear",
    1990: 1.0, 1993: 0.8, 1995: 0.4, 1997: 0.2, 2000: 0.3, 2004: 0.4, 2010: 0.45, 2016: 0.5, 2020: 0.4,
}  # fmt: skip

# Sanctions intensity, 0-1: mild from UNSC 1718 (Oct 2006), tightened 2009 and 2013, heavy 2016-2017.
SANCTIONS = {
    1990: 0.0, "2006-10": 0.15, "2009-06": 0.2, "2013-03": 0.3, "2016-03": 0.6, "2016-12": 0.7,
    "2017-08": 0.9, "2017-12": 1.0,
}  # fmt: skip

# Border enforcement, 0-1: lax and bribable in the famine years, tightened under Kim Jong Un from 2012,
# closed from early 2020 (its maximum).
BORDER_ENFORCEMENT = {
    1990: 0.6, 1995: 0.3, 2002: 0.35, 2008: 0.45, 2012: 0.6, 2017: 0.7, "2020-02": 1.0,
}  # fmt: skip

# The state's policy toward markets, 0-1: grain trade banned before the famine and markets illegal through
# the 1990s (they were tolerated because the state could not feed people: that part is not scheduled here,
# it follows from hunger in `read_drivers`); the 2002 reforms and legal general markets from March 2003;
# crackdowns 2005-2009 (grain-sale ban, age limits on women traders); markets shut after the November 2009
# redenomination; wide tolerance after 2012.
MARKET_TOLERANCE = {
    1990: 0.1, "2002-07": 0.7, "2003-03": 0.85, "2005-10": 0.5, "2007-10": 0.4, "2009-12": 0.05,
    "2010-03": 0.5, 2012: 0.8, 2014: 0.85,
}  # fmt: skip

# Stall fee, won per day. FACTS: 3-5 (1990s), 30-50 (2001), x10 after the 2002 reforms,
# 500-2,000 new won (2016-2019). 2010-2015 approximate.
STALL_FEE_WON_PER_DAY = {
    1990: 4, 2001: 40, "2002-07": 400, "2009-12": 10, 2012: 300, 2016: 1_000,
}  # fmt: skip

# Mobile phone subscriptions. FACTS: launched Dec 2008; 430,000 end 2010; 1M Feb 2012; 2M May 2013;
# 2.8M 2014; 6.5-7M lines 2022.
PHONE_SUBSCRIPTIONS = {
    "kind": "linear",
    1990: 0, "2008-12": 0, "2010-12": 430_000, "2012-02": 1_000_000, "2013-05": 2_000_000,
    2014: 2_800_000, 2022: 6_750_000,
}  # fmt: skip

# Defectors abroad able to send money home. FACTS: about 30,500 in the South by 2017; earlier and later
# years approximate the Ministry of Unification arrival counts.
DEFECTORS_ABROAD = {
    "kind": "linear",
    1990: 600, 1998: 1_000, 2002: 3_000, 2005: 7_700, 2010: 20_000, 2015: 28_000, 2017: 30_500,
    2020: 33_700,
}  # fmt: skip

# FACTS: 58-71% of defectors in the South send money (2010-2017).
REMITTER_SHARE = {1990: 0.6}

# FACTS: typically 1-2 million South Korean won a year (about 6,000-12,000 yuan). The low end: with the
# documented senders (58-71% of ~20,000-30,500 defectors) it is the only part of the range that agrees with
# the reported total of about $10 million a year (Washington Post); the middle (9,000) gives $17 million.
REMITTANCE_YUAN_PER_SENDER_YEAR = {1990: 6_000}

# FACTS: brokers keep 20-30%.
BROKER_FEE_SHARE = {1990: 0.25}

# World exchange rate, yuan per US dollar (official annual averages).
YUAN_PER_DOLLAR = {
    1990: 4.78, 1994: 8.62, 1995: 8.35, 1998: 8.28, "2005-07": 8.11, 2008: 6.95, 2010: 6.77,
    2014: 6.16, 2016: 6.64, 2018: 6.62, 2019: 6.91, 2020: 6.90,
}  # fmt: skip

# Grain price in China's northeast, yuan per kg (rice-maize mix, approximate wholesale): the world price
# against which cross-border arbitrage sets the won's value.
CHINA_GRAIN_PRICE_YUAN_PER_KG = {
    "kind": "linear",
    1990: 0.6,
    1995: 1.4,
    2000: 1.1,
    2008: 1.8,
    2014: 2.6,
    2020: 2.6,
}

# What the state's trading companies sell abroad, US dollars a year, before sanctions cut it (`sanctions_export_cut`):
# North Korea's exports to China (about 90% of its recorded trade, FACTS), approximate China customs annual
# figures, not in FACTS; other partners left out. Coal, ores, seafood and textiles. Held at the 2013-2016
# level after 2016: the fall of 2017-2020 is the sanctions' (FACTS: China's imports from North Korea fell
# ~88% in 2018), made by the model from the sanctions driver.
STATE_EXPORTS_USD_PER_YEAR = {
    "kind": "linear",
    1990: 125e6, 1993: 300e6, 1995: 65e6, 2000: 40e6, 2003: 400e6, 2005: 500e6, 2008: 750e6, 2010: 1_200e6,
    2011: 2_500e6, 2013: 2_900e6, 2016: 2_600e6,
}  # fmt: skip

# Entrepreneurship training start-ups per year. FACTS: ~30 start-ups mentored (2018). Off in the baseline.
TRAINING_STARTUPS_PER_YEAR = {1990: 0}


@dataclass(frozen=True)
class Drivers:
    """Every driver's value in one month: what the state, the weather and the world impose (ODD 6, 7.1).

    The fields are the schedules of `sim.parameters.Parameters` of the same names; units as above.
    """

    harvest_mt: float  # milled cereal harvest, million tonnes a year
    ration_g_per_person_day: float
    pds_coverage: float  # share of non-farm households the distribution reaches, 0-1
    food_aid_mt: float  # million tonnes a year
    wage_won_per_worker_month: float  # won of the day
    state_grain_price_won_per_kg: float  # won of the day
    procurement_price_won_per_kg: float  # won of the day
    state_economy_index: float  # 0-1
    sanctions: float  # 0-1
    border_enforcement: float  # 0-1
    market_tolerance: float  # 0-1
    stall_fee_won_per_day: float  # won of the day
    phone_subscriptions: float
    defectors_abroad: float  # persons
    remitter_share: float  # 0-1
    remittance_yuan_per_sender_year: float
    broker_fee_share: float  # 0-1
    yuan_per_dollar: float
    china_grain_price_yuan_per_kg: float
    state_exports_usd_per_year: float  # before sanctions
    training_startups_per_year: float

    @classmethod
    def at(cls, parameters: Any, month: int) -> Drivers:
        """Each schedule of `parameters` at `month`."""
        return cls(**{f.name: getattr(parameters, f.name).at(month) for f in fields(cls)})
