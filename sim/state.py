"""The state variables of every entity, declared in one place (ODD 2: entities, state variables and scales).

Each agent type is an `AgentTable` with these columns, one row per agent. Amounts are per modelled
agent, that is per representative household; real-world totals multiply by the model's weight.
Money is in won of the day (old won before December 2009), goods in kg of grain or units of
imported goods (a unit costs `import_unit_price_yuan` at Chinese wholesale).

Columns are sized to their data, so that a pass over 5.9 million households touches fewer bytes: small
counts are int16, a month's flows float32 (sum them with a wide dtype); the stocks the ledger accounts
for (cash, grain, goods) stay float64 so that their books balance to the won.
"""

from __future__ import annotations

import numpy as np

GRAIN, IMPORTS = 0, 1
GOODS = (GRAIN, IMPORTS)
GOOD_NAMES = ("grain", "imports")
DAYS_PER_MONTH = 365.25 / 12
NOBODY = -1  # row reference meaning "none"

HOUSEHOLD_COLUMNS = {
    "town": np.int16,  # market town the household lives in and buys at
    "farm": np.bool_,  # cooperative farm household (paid in kind at harvest) or state worker household
    "members": np.int16,  # persons
    "state_workers": np.int16,  # members with a state job and wage
    "free_woman": np.bool_,  # has a woman not assigned to a state workplace, free to trade
    "pds_priority": np.float32,  # rank in the public distribution queue (lower is served first)
    "food_kg": np.float64,  # grain in store
    "won": np.float64,  # cash in won
    "yuan": np.float64,  # cash in yuan (foreign cash; dollars are counted at the world cross rate)
    "intake_share": np.float32,  # last month's grain eaten over need
    "hungry_months": np.int16,  # consecutive months below the hunger line
    "remittance_family": np.bool_,  # has a defector abroad who sends money
    "trader": np.int32,  # row in the trader table of its trading member, or NOBODY
    "smuggler": np.int32,  # row in the smuggler table of its smuggling member, or NOBODY
    "income_formal_won": np.float32,  # this month: wages, rations and farm distribution at market value
    "income_informal_won": np.float32,  # this month: trade, sales, smuggling and remittances
}

TRADER_COLUMNS = {
    "household": np.int32,
    "town": np.int32,
    "woman": np.bool_,
    "good": np.int8,  # GRAIN or IMPORTS
    "won": np.float64,  # working capital in cash
    "stock": np.float64,  # goods held, kg or units
    "phone_rank": np.float32,  # has a phone while the traders' phone share exceeds this
    "stall": np.bool_,  # holds a stall in the town's official market (pays fees); else a cart or alley trader
    "official_stake_won": np.float64,  # capital invested by the town's official
    "worth_at_start_won": np.float64,  # cash plus stock at wholesale value when the month began
    "sales_won": np.float64,  # this month's retail revenue
    "bought_won": np.float64,  # this month's wholesale purchases, transport included
    "sold_units": np.float64,  # this month's retail sales, kg or units
    "sold_units_last_month": np.float64,
    "profit_won": np.float64,  # last month's change in worth, before the household's draw
    "draw_won": np.float64,  # last month's payment to the household
    "bribe_paid": np.bool_,  # paid the full protection bribe this month
    "months_failing": np.int32,
    "closing": np.bool_,  # leaving at the end of the month (caught in a crackdown and gave up)
}

SMUGGLER_COLUMNS = {
    "household": np.int32,
    "town": np.int32,  # border town it crosses from
    "won": np.float64,
    "yuan": np.float64,
    "stock": np.float64,  # imported units waiting for wholesale buyers
    "arrested_until": np.int32,  # month its arrest ends
    "months_failing": np.int32,
    "closing": np.bool_,
    "worth_at_start_won": np.float64,
}

OFFICIAL_COLUMNS = {
    "town": np.int32,  # the market (and border post, in border towns) it is in charge of
    "won": np.float64,  # cash from bribes and returns on stakes
}

MARKET_COLUMNS = {  # what changes; where a town is and whether it is on the border is in `model.geo`
    "closed_until": np.int32,  # month the official market reopens after a closure
    "state_stock": np.float64,  # legal imports held by state trading companies for wholesale
}
