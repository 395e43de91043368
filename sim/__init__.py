"""Jangmadang: an agent-based simulation of informal markets in a command economy (North Korea, 1990-2020)."""

from sim.model import JangmadangModel
from sim.parameters import Parameters

__all__ = ["JangmadangModel", "Parameters"]
__version__ = "0.1.0"
