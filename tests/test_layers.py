"""The DAG flows one way: no model reads a model of a later layer, and no staging model
reads another staging model.

Layers are the numbered folders of models/ (dbt_project.yml): 1_staging, 2_intermediate,
3_core, 4_indicators/{1_inputs,2_measured,3_aggregated,4_results}, 5_public/{1_cells,2_shared},
6_data_quality. A model's layer is the tuple of the numbers in its path, e.g. (4, 2) for
models/4_indicators/2_measured/...; a model may ref a model whose tuple is <= its own.
The test reads the manifest `dbt parse` writes, so it sees what dbt sees (refs made in
macros included), not what a grep would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, run_dbt


@pytest.fixture(scope="module")
def manifest(tmp_path_factory, clean_district) -> dict:
    work = tmp_path_factory.mktemp("layers")
    completed = run_dbt(["parse"], clean_district, work)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads((work / "target" / "manifest.json").read_text())


def layer_of(path: str) -> tuple[int, ...]:
    numbers = tuple(int(m.group(1)) for part in Path(path).parts if (m := re.match(r"^(\d+)_", part)))
    return numbers


def model_edges(manifest: dict):
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    for uid, node in models.items():
        for parent in node["depends_on"]["nodes"]:
            if parent in models:
                yield node, models[parent]


def test_every_model_lives_in_a_numbered_layer(manifest):
    unplaced = [n["original_file_path"] for n in manifest["nodes"].values()
                if n["resource_type"] == "model" and not layer_of(n["original_file_path"])]
    assert unplaced == []


def test_no_model_reads_a_later_layer(manifest):
    back = [f"{child['original_file_path']} reads {parent['original_file_path']}"
            for child, parent in model_edges(manifest)
            if layer_of(parent["original_file_path"]) > layer_of(child["original_file_path"])]
    assert back == [], "back-references:\n" + "\n".join(back)


def test_no_staging_model_reads_another_staging_model(manifest):
    """base_ models read sources only; stg_ models read their own base_ model only."""
    def kind(node):
        return node["name"].split("_", 1)[0]
    bad = []
    for child, parent in model_edges(manifest):
        if kind(child) == "base":
            bad.append(f"{child['name']} reads model {parent['name']} (a base model reads sources only)")
        elif kind(child) == "stg" and not (kind(parent) == "base" and parent["name"][5:] == child["name"][4:]):
            bad.append(f"{child['name']} reads {parent['name']} (a stg model reads only its own base model)")
    assert bad == [], "\n".join(bad)


def test_the_layer_rule_catches_a_back_reference():
    """The comparison itself: a core model reading an indicator model is a back-reference."""
    assert layer_of("models/4_indicators/2_measured/x.sql") > layer_of("models/3_core/dim_x.sql")
    assert layer_of("models/4_indicators/1_inputs/x.sql") < layer_of("models/4_indicators/2_measured/y.sql")
    assert layer_of("models/5_public/1_cells/x.sql") > layer_of("models/4_indicators/4_results/y.sql")
