"""Calibration: documented targets, the scorecard, fitting the free parameters, sensitivity analysis.

The simulation never imports this package; it only reads the simulation's outputs.
"""
