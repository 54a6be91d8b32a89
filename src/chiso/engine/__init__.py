"""The pure engine: method files in, published-grade results out.

No Django, no network, no wall clock; randomness only from a seed passed in. Given the same
method and inputs, every function returns the same result. The names below are the public
surface; everything else may change.
"""

from chiso.engine.explain import Explanation, explain_unit
from chiso.engine.framework import Criterion, Method
from chiso.engine.history import Lineage, LineageLink, compare_years
from chiso.engine.inputs import Inputs, ScoreRow, Unit, prepare_inputs
from chiso.engine.load import build_method, check_method, content_hash
from chiso.engine.par import ParResult, compute_par
from chiso.engine.problems import InputError, MethodError, Problem
from chiso.engine.uncertainty import RankIntervals, rank_intervals

__all__ = [
    "Criterion",
    "Explanation",
    "InputError",
    "Inputs",
    "Lineage",
    "LineageLink",
    "Method",
    "MethodError",
    "ParResult",
    "Problem",
    "RankIntervals",
    "ScoreRow",
    "Unit",
    "build_method",
    "check_method",
    "compare_years",
    "compute_par",
    "content_hash",
    "explain_unit",
    "prepare_inputs",
    "rank_intervals",
]
