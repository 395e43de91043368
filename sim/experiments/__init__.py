"""Running the model: single runs (and, later, scenarios and sweeps)."""
