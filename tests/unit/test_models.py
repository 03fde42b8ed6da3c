"""The MHCflurry models folder, from its files alone (no MHCflurry): layout, alleles, lengths, hash, check."""

import json

import pandas as pd
import pytest

from neoag.errors import NeoagInputError
from neoag.scoring.models import ModelsFolder


def test_layout_from_the_files_alone(tmp_path):
    with pytest.raises(NeoagInputError, match="does not exist"):
        _ = ModelsFolder(str(tmp_path / "missing")).layout
    assert ModelsFolder(str(tmp_path)).layout == "affinity"
    (tmp_path / "affinity_predictor").mkdir()
    (tmp_path / "weights.csv").write_text("")
    with pytest.raises(NeoagInputError, match="processing_predictor_with_flanks"):
        _ = ModelsFolder(str(tmp_path)).layout
    (tmp_path / "processing_predictor_with_flanks").mkdir()
    assert ModelsFolder(str(tmp_path)).layout == "presentation"


def test_content_hash_follows_the_content_not_the_place(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "weights.npz").write_bytes(b"\x00\x01")
        (tmp_path / name / "sub" / "manifest.csv").write_text("x\n")
    (tmp_path / "b" / ".DS_Store").write_text("ignored")
    assert ModelsFolder(str(tmp_path / "a")).content_hash() == ModelsFolder(str(tmp_path / "b")).content_hash()
    (tmp_path / "b" / "weights.npz").write_bytes(b"\x00\x02")
    assert ModelsFolder(str(tmp_path / "a")).content_hash() != ModelsFolder(str(tmp_path / "b")).content_hash()


def test_supported_alleles_from_its_files(tmp_path):
    assert ModelsFolder(str(tmp_path)).supported_alleles() is None
    (tmp_path / "manifest.csv").write_text("model_name,allele,config_json\nm1,HLA-A*02:01,{}\nm2,pan-class1,{}\n")
    (tmp_path / "affinity_predictor").mkdir()
    (tmp_path / "affinity_predictor" / "allele_sequences.csv").write_text("allele,sequence\nHLA-B*07:02,YYS\n")
    assert ModelsFolder(str(tmp_path)).supported_alleles() == {"HLA-A*02:01", "HLA-B*07:02"}


def _manifest(folder, *encodings):
    """A manifest.csv with one pan-allele model per peptide encoding."""
    configs = [json.dumps({"hyperparameters": {"peptide_encoding": e}}) for e in encodings]
    names = [f"m{i}" for i in range(len(configs))]
    table = pd.DataFrame({"model_name": names, "allele": "pan-class1", "config_json": configs})
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "manifest.csv", index=False)


def test_peptide_lengths_are_what_every_model_encodes(tmp_path):
    assert ModelsFolder(str(tmp_path)).peptide_lengths() is None
    _manifest(tmp_path / "affinity_predictor", {"max_length": 15}, {"alignment_method": "left_pad", "max_length": 11})
    assert ModelsFolder(str(tmp_path)).peptide_lengths() == (8, 11)
    _manifest(tmp_path, {"alignment_method": "right_pad", "max_length": 12})
    assert ModelsFolder(str(tmp_path)).peptide_lengths() == (1, 12)  # the folder's own manifest first


def test_check_names_the_missing_manifest_and_weights(tmp_path):
    folder = ModelsFolder(str(tmp_path))
    with pytest.raises(NeoagInputError, match="manifest.csv is missing"):
        folder.check()
    _manifest(tmp_path, {})
    with pytest.raises(NeoagInputError, match=r"1 of 1 weights files .* \(first: weights_m0.npz\)"):
        folder.check()
    (tmp_path / "weights_m0.npz").write_bytes(b"")
    assert folder.check() == "affinity"
    assert folder.affinity_folder == str(tmp_path)
    with pytest.raises(NeoagInputError, match=r"peptides.lengths: .* score peptides of 8 to 15 residues, not 7, 16"):
        folder.check_peptide_lengths([7, 8, 16])


def test_demo_marker(tmp_path):
    folder = ModelsFolder(str(tmp_path))
    assert folder.demo_info() is None and not folder.is_demo
    (tmp_path / "neoag_demo_model.json").write_text('{"label": "DEMO"}')
    assert folder.demo_info() == {"label": "DEMO"} and folder.is_demo
