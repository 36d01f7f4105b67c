"""Scenario files for the synthetic district: defaults merged with a user's overrides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "default.yml"

GROUP_CODES = {"ALL", "AA", "AI", "AS", "FI", "HI", "PI", "WH", "MR", "EL", "LTEL", "SED", "SWD", "FOS", "HOM"}


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says which key and why."""


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _check_unknown_keys(defaults: dict, override: dict, path: str = "") -> None:
    for key, value in override.items():
        where = f"{path}{key}"
        if key not in defaults:
            raise ScenarioError(f"unknown scenario key '{where}' (see {DEFAULT_SCENARIO.name} for the keys)")
        # free-form maps whose keys are data, not settings
        if where in {"files.overrides", "demographics.race_ethnicity", "demographics.english_learner_at_entry",
                     "attendance.month_factors", "attendance.grade_factors", "population.grade_weights"}:
            continue
        if isinstance(value, dict) and isinstance(defaults[key], dict):
            _check_unknown_keys(defaults[key], value, where + ".")


def load_scenario(path: str | Path | None = None) -> dict[str, Any]:
    with DEFAULT_SCENARIO.open(encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    if path is None:
        return validate(defaults)
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"scenario file {path} does not exist")
    with path.open(encoding="utf-8") as handle:
        override = yaml.safe_load(handle) or {}
    if not isinstance(override, dict):
        raise ScenarioError(f"scenario file {path} must be a YAML mapping")
    _check_unknown_keys(defaults, override)
    return validate(_merge(defaults, override))


def validate(scenario: dict[str, Any]) -> dict[str, Any]:
    lea = str(scenario["district"]["lea_code"])
    if not (len(lea) == 7 and lea.isdigit()):
        raise ScenarioError(f"district.lea_code must be 7 digits, got {lea!r}")
    scenario["district"]["lea_code"] = lea
    shares = scenario["demographics"]["race_ethnicity"]
    if abs(sum(shares.values()) - 1.0) > 1e-6:
        raise ScenarioError(f"demographics.race_ethnicity shares must sum to 1, got {sum(shares.values()):.4f}")
    for effect in ("grading_bias", "discipline_disproportionality"):
        group = scenario["effects"][effect]["group"]
        if group not in GROUP_CODES:
            raise ScenarioError(f"effects.{effect}.group {group!r} is not a Dashboard group code")
    if scenario["effects"]["discipline_disproportionality"]["risk_ratio"] <= 0:
        raise ScenarioError("effects.discipline_disproportionality.risk_ratio must be positive")
    if not 0 <= scenario["effects"]["grading_bias"]["grade_points"] <= 1:
        raise ScenarioError("effects.grading_bias.grade_points must be between 0 and 1")
    within = scenario["population"]["within_year"]
    if sum(within.values()) >= 0.5:
        raise ScenarioError("population.within_year shares must sum to well under 1")
    for name, fmt in {"default": scenario["files"]["default"], **scenario["files"]["overrides"]}.items():
        if fmt.get("delimiter", "^") not in ("^", ","):
            raise ScenarioError(f"files.{name}.delimiter must be '^' or ','")
        if fmt.get("encoding", "utf-8") not in ("utf-8", "cp1252"):
            raise ScenarioError(f"files.{name}.encoding must be utf-8 or cp1252")
    return scenario
