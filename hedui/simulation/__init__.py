"""Policy simulation (政策测算): what a new standard costs and whom it reaches.

A reform (``reform.py``) is dated parameter rows layered over the parameter seed. The twin build
(``twin.py``) loads one published night's validated data into a sandbox, builds the baseline
once and rebuilds only the parameter-dependent models per scenario; ``run.py`` plans the
scenarios and gathers the result tables (``results.py``); ``export.py`` writes the XLSX
workbook and the PDF summary.
"""

from hedui.simulation.reform import Reform, ReformError, load_reform, parse_reform
from hedui.simulation.run import SimulationResult, prepare, simulate, simulate_night

__all__ = [
    "Reform",
    "ReformError",
    "SimulationResult",
    "load_reform",
    "parse_reform",
    "prepare",
    "simulate",
    "simulate_night",
]
