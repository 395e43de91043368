"""The model's behavioural processes, one function per rule, in the order the model runs them.

state (drivers, rations, wages, shops) -> production -> money (the budget, currencies, the redenomination,
expectations) -> border (remittances, imports, smuggling) -> trade (sourcing, retail, prices, services,
settlement) -> enforcement (fees, bribes, crackdowns) -> livelihood (eating, hunger, deaths, births) ->
entry_exit; books opens and closes the month.
"""
