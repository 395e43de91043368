"""Model-independent building blocks: columnar agent tables, schedules, the ledger, group-by arithmetic."""
