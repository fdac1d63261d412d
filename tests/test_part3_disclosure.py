"""The provisional Part 3 says what it is wherever `model list` and `model show` present it, in the chosen language."""

from __future__ import annotations

import json

import pytest

from capability_model.catalog import resolve
from capability_model.schema import Lang
from tests.conftest import RunCli


def _flat(text: str, lang: str) -> str:
    """Text with the terminal's line wrapping undone: Chinese wraps between characters, English at spaces."""
    return ("" if lang == "zh" else " ").join(text.split())


@pytest.mark.parametrize(
    ("lang", "other"),
    [("zh", "en"), ("en", "zh")],
)
def test_model_show_and_list_print_the_disclosure_in_the_chosen_language(
    run_cli: RunCli, lang: Lang, other: Lang
) -> None:
    disclosure = resolve("caict-mlops-p3").framework.disclosure
    assert disclosure is not None
    for args in (("model", "show", "caict-mlops-p3"), ("model", "list")):
        out = run_cli(*args, "--lang", lang)
        assert out.returncode == 0, out.stderr
        flat = _flat(out.stdout, lang)
        assert _flat(disclosure.get(lang), lang) in flat, args
        assert _flat(disclosure.get(other), other)[:20] not in _flat(out.stdout, other), args


def test_a_framework_without_a_disclosure_shows_none(run_cli: RunCli) -> None:
    out = run_cli("model", "show", "caict-mlops-p2", "--lang", "zh")
    assert out.returncode == 0, out.stderr
    part3 = resolve("caict-mlops-p3").framework.disclosure
    assert part3 is not None
    assert part3.zh[:10] not in out.stdout and "自行设计" not in out.stdout


def test_json_carries_the_disclosure_in_both_languages(run_cli: RunCli) -> None:
    listed = json.loads(run_cli("model", "list", "--format", "json").stdout)
    rows = {row["id"]: row for row in listed}
    assert rows["caict-mlops-p3"]["status"] == "provisional"
    assert "自行设计" in rows["caict-mlops-p3"]["disclosure"]["zh"]
    assert "own design, not CAICT's" in rows["caict-mlops-p3"]["disclosure"]["en"]
    assert "征求意见稿" in rows["caict-mlops-p2"]["disclosure"]["zh"]
    assert "draft-for-comment" in rows["caict-mlops-p2"]["disclosure"]["en"]
    shown = json.loads(run_cli("model", "show", "caict-mlops-p3", "--format", "json").stdout)
    assert shown["disclosure"] == rows["caict-mlops-p3"]["disclosure"]
    assert shown["status"] == "provisional" and shown["standard"]["published"] == "announced"
