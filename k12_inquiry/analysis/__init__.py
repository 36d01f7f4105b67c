"""The analysis package of the inquiry notebooks: statistics, models and the queries behind
each notebook (all reading the warehouse through `k12_inquiry.warehouse`).

Public statistics: `gap_table`, `risk_ratio`, `risk_ratios`, `risk_ratios_versus_rest`,
`mean_difference_table`, `proportion_interval`, `baseline_median`, `run_chart_signals` and
the regression `grade_gap_model`.
"""

from k12_inquiry.analysis.models import GapEstimate, grade_gap_model
from k12_inquiry.analysis.scope import Scope
from k12_inquiry.analysis.statistics import (RiskRatio, baseline_median, gap_table, mean_difference_table,
                                             numeric_values, proportion_interval, risk_ratio, risk_ratios,
                                             risk_ratios_versus_rest, run_chart_signals)

__all__ = [
    "GapEstimate", "RiskRatio", "Scope", "baseline_median", "gap_table", "grade_gap_model",
    "mean_difference_table", "numeric_values", "proportion_interval", "risk_ratio", "risk_ratios",
    "risk_ratios_versus_rest", "run_chart_signals",
]
