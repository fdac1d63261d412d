"""`map`: read one CAICT assessment (one file per part) against Google's MLOps levels, Microsoft's MLOps maturity model
or the ML Test Score, and say what the mapping cannot decide."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import LangArg, LangOption, fail

if TYPE_CHECKING:
    from assessors.mapping import CriterionResult, MappedResult, Part
    from capability_model.reference_models import ReferenceModel
    from capability_model.schema import Lang


class MapTarget(StrEnum):
    google_mlops = "google-mlops"
    microsoft_mlops = "microsoft-mlops"
    ml_test_score = "ml-test-score"


class MapFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


_WORDS = {
    "zh": {
        "level": "级别",
        "upper": "若未判定项均满足，可达",
        "score": "得分",
        "section": "部分",
        "points": "分数",
        "undecided": "映射无法判定",
        "undecided_short": "无法判定",
        "criterion": "条件",
        "state": "判定",
        "reason": "原因",
        "open": "待作答或未评估的要求",
        "assessed": "依据的评估",
        "met": "满足",
        "not_met": "不满足",
        "unanswered": "映射的要求尚未作答",
        "not_assessed": "映射的要求所属部分未评估",
        "not_applicable": "映射的要求均不适用",
        "one_way": "该关系只能判定相反的结果",
        "intersects_only": "仅部分重叠（intersects），无法判定",
        "conflict": "不同映射结论相互矛盾",
        "no_mapping": "没有映射的信通院要求",
    },
    "en": {
        "level": "Level",
        "upper": "if every undecided criterion is met, up to",
        "score": "Score",
        "section": "Section",
        "points": "Points",
        "undecided": "What the mapping cannot decide",
        "undecided_short": "undecided",
        "criterion": "Criterion",
        "state": "Verdict",
        "reason": "Reason",
        "open": "requirements to answer or assess",
        "assessed": "Based on",
        "met": "met",
        "not_met": "not met",
        "unanswered": "mapped requirements are unanswered",
        "not_assessed": "mapped requirements belong to a part not assessed",
        "not_applicable": "every mapped requirement is not applicable",
        "one_way": "the relationship decides only the other outcome",
        "intersects_only": "only a partial overlap (intersects), which decides nothing",
        "conflict": "relations disagree",
        "no_mapping": "no CAICT requirement is mapped to it",
    },
}


def _parts(files: list[Path], evidence: Path | None) -> list[Part]:
    """Each assessment scored with its evidence (the --evidence bundle, else the one the file names)."""
    from assessors.workflow import BundleError, EvidenceBundle, open_assessment, open_bundle
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError

    bundles: dict[Path, EvidenceBundle] = {}
    parts: list[Part] = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            opened = open_assessment(path)
        except SourceError as exc:
            fail([str(i) for i in exc.issues])
        except (UnknownFrameworkError, OSError) as exc:
            fail(f"{path}: {exc}")
        fw = opened.framework.framework
        if fw.id in seen:
            fail(f"{path} and {seen[fw.id]} both assess {fw.id}: give one assessment per part")
        seen[fw.id] = path
        where = opened.evidence_path(evidence)
        bundle = None
        if where is not None:
            try:
                bundle = bundles.get(where) or bundles.setdefault(where, open_bundle(where))
            except BundleError as exc:
                fail(str(exc))
        parts.append((fw, opened.score(evidence=bundle)))
    return parts


def map_assessment(
    files: Annotated[list[Path], typer.Argument(metavar="ASSESSMENT", help="Assessment files, one per CAICT part.")],
    to: Annotated[MapTarget, typer.Option("--to", help="The maturity model to read the assessment against.")],
    evidence: Annotated[Path | None, typer.Option("--evidence", "-e", help="Evidence bundle from `collect`.")] = None,
    fmt: Annotated[MapFormat, typer.Option("--format", "-f")] = MapFormat.table,
    lang: LangArg = LangOption.zh,
) -> None:
    """Read a CAICT assessment against Google's MLOps levels, Microsoft's MLOps maturity model or the ML Test Score."""
    from assessors.mapping import derive
    from capability_model.reference_models import load_bundled
    from capability_model.sourcefile import SourceError

    try:
        model, mapping = load_bundled(to.value)
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    result = derive(model.model, mapping.mapping, _parts(files, evidence))
    if fmt is MapFormat.json:
        typer.echo(result.model_dump_json(indent=2))
    elif fmt is MapFormat.markdown:
        typer.echo(markdown(result, model.model, lang.lang), nl=False)
    else:
        _table(result, model.model, lang.lang)


def _name(model: ReferenceModel, cid: str, lang: Lang) -> str:
    return next((c.name.get(lang) for _, c in model.criteria() if c.id == cid), cid)


def headline(result: MappedResult, model: ReferenceModel, lang: Lang) -> str:
    """The level or score in one line, with its upper bound when undecided criteria could raise it."""
    w = _WORDS[lang]
    if result.scoring == "cumulative_levels":
        level = result.level or 0
        name = model.levels[level].name.get(lang)
        line = f"{model.title.get(lang)}: {w['level']} {level} {name}"
        if result.level_upper != result.level:
            upper = result.level_upper or 0
            line += f" ({w['upper']} {upper} {model.levels[upper].name.get(lang)})"
        return line
    line = f"{model.title.get(lang)}: {w['score']} {result.score:g}"
    if result.score_upper != result.score:
        line += f" ({w['upper']} {result.score_upper:g})"
    from assessors.mapping import band

    found = band(model, result.score or 0.0)
    return line + (f" — {model.bands[found].meaning.get(lang)}" if found is not None else "")


def _state(c: CriterionResult, lang: Lang) -> str:
    w = _WORDS[lang]
    if c.state == "undecided":
        return f"{w['undecided_short']}: {w[c.reason or 'no_mapping']}"
    text = w[c.state]
    return f"{text} ({c.points:g})" if c.points is not None else text


def markdown(result: MappedResult, model: ReferenceModel, lang: Lang) -> str:
    w = _WORDS[lang]
    lines = [f"# {headline(result, model, lang)}", "", f"{w['assessed']}: {', '.join(result.assessed)}", ""]
    lines += [f"> {model.disclosure.get(lang)}", ""]
    if result.sections:
        lines += [f"| {w['section']} | {w['points']} |", "|---|---|"]
        names = {s.id: s.name.get(lang) for s in model.sections}
        lines += [f"| {names[s.id]} | {s.points:g} (≤ {s.upper:g}) |" for s in result.sections]
        lines.append("")
    lines += [f"| {w['criterion']} | {w['state']} |", "|---|---|"]
    lines += [f"| {c.id} {_name(model, c.id, lang)} | {_state(c, lang)} |" for c in result.criteria]
    undecided = result.undecided
    if undecided:
        lines += ["", f"## {w['undecided']} ({len(undecided)})", ""]
        for c in undecided:
            open_ = f"; {w['open']}: {', '.join(c.open)}" if c.open else ""
            lines.append(f"- {c.id} {_name(model, c.id, lang)}: {w[c.reason or 'no_mapping']}{open_}")
    return "\n".join(lines) + "\n"


def _table(result: MappedResult, model: ReferenceModel, lang: Lang) -> None:
    from rich.console import Console
    from rich.table import Table

    from app.terminal import shown

    w = _WORDS[lang]
    console = Console()
    console.print(shown((headline(result, model, lang), "bold")))
    console.print(shown((f"{w['assessed']}: {', '.join(result.assessed)}", "dim")))
    console.print(shown((model.disclosure.get(lang), "dim")))
    table = Table(show_lines=False)
    for column in ("", w["criterion"], w["state"], w["open"]):
        table.add_column(column)
    for c in result.criteria:
        table.add_row(c.group, shown(f"{c.id} {_name(model, c.id, lang)}"), _state(c, lang), ", ".join(c.open))
    console.print(table)
    if result.sections:
        names = {s.id: s.name.get(lang) for s in model.sections}
        console.print(", ".join(f"{names[s.id]} {s.points:g} (≤ {s.upper:g})" for s in result.sections))
    console.print(shown(f"{w['undecided']}: {len(result.undecided)} / {len(result.criteria)}"))
