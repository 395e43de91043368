"""The model's behavioural processes, one function per rule, in the order the model runs them.

state (drivers, rations, wages) -> production -> border (remittances, currency, smuggling) ->
trade (sourcing, retail, prices, settlement) -> enforcement (fees, bribes, crackdowns) ->
livelihood (eating, hunger, deaths, births) -> entry_exit.
"""
