"""`mlops-maturity model ...`: inspect, validate, diff and export the framework files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import LangArg, LangOption, fail, say

if TYPE_CHECKING:
    from rich.console import Console

    from capability_model.loader import LoadedFramework
    from capability_model.schema import Framework, Lang

model_app = typer.Typer(
    help="Inspect, validate and compare framework files (the standard as data).", no_args_is_help=True
)


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"


class DataFormat(StrEnum):
    table = "table"
    json = "json"


def _console() -> Console:
    from rich.console import Console

    return Console()


def _resolve(ref: str) -> LoadedFramework:
    from capability_model.catalog import UnknownFrameworkError, resolve
    from capability_model.sourcefile import SourceError

    try:
        return resolve(ref)
    except UnknownFrameworkError as exc:
        fail(str(exc))
    except SourceError as exc:
        fail([str(i) for i in exc.issues])


@model_app.command("list")
def list_frameworks(
    fmt: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.table,
    lang: LangArg = LangOption.zh,
) -> None:
    """List the bundled frameworks and their versions."""
    from capability_model.catalog import catalog

    loaded = catalog()
    if fmt is DataFormat.json:
        rows = [
            {
                "id": lf.framework.id,
                "version": lf.framework.version,
                "status": lf.framework.status,
                "title": lf.framework.title.model_dump(),
                "disclosure": lf.framework.disclosure.model_dump() if lf.framework.disclosure else None,
                "sha256": lf.sha256,
                **lf.framework.counts(),
            }
            for lf in loaded
        ]
        from assessors.storage import json_text

        typer.echo(json_text(rows), nl=False)
        return
    from app.terminal import print_catalog

    console = _console()
    print_catalog(console, loaded, lang.lang)
    for lf in loaded:
        _print_disclosure(console, lf.framework, lang.lang)


@model_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="ID, ID@VERSION or a framework file path.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.table,
    lang: LangArg = LangOption.zh,
) -> None:
    """Show a framework: its domains, subdomains, items and requirements."""
    loaded = _resolve(ref)
    fw = loaded.framework
    if fmt is ShowFormat.json:
        from assessors.storage import json_text

        typer.echo(json_text(fw.model_dump(mode="json")), nl=False)
    elif fmt is ShowFormat.yaml:
        typer.echo(_yaml_text(fw.model_dump(mode="json")), nl=False)
    elif fmt is ShowFormat.markdown:
        from reports.markdown import render_framework_markdown

        typer.echo(render_framework_markdown(fw, lang.lang), nl=False)
    else:
        from app.terminal import print_framework

        console = _console()
        _print_disclosure(console, fw, lang.lang)
        print_framework(console, fw, lang.lang)
        _print_disclosure(console, fw, lang.lang)


def _print_disclosure(console: Console, framework: Framework, lang: Lang) -> None:
    """A provisional or otherwise qualified framework says so wherever it is shown, in the reader's language."""
    if framework.disclosure is None:
        return
    from app.terminal import shown

    console.print(shown((f"{framework.ref} · ", "bold yellow"), (framework.disclosure.get(lang), "yellow")))


def _yaml_text(data: object) -> str:
    """YAML of `data` that reads back the same, with every control or bidi character escaped rather than written raw."""
    import yaml

    from capability_model.visible import has_hidden, yaml_escaped

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if has_hidden(value) else None)

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, represent_str)
    return yaml_escaped(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100000))


@model_app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(help="Framework files to check.")]) -> None:
    """Check framework files; every problem is reported as FILE:LINE:COLUMN FIELD.PATH: message."""
    from capability_model.loader import load_framework
    from capability_model.sourcefile import SourceError
    from capability_model.visible import visible
    from evidence_collectors.registry import load_errors, probe_catalogue

    known = set(probe_catalogue())
    for warning in load_errors():
        say(f"warning: {warning}", err=True)
    problems: list[str] = []
    for path in paths:
        kind = _file_kind(path)
        try:
            if kind != "framework":
                typer.echo(f"ok {visible(str(path))} ({_validate_reference_file(path, kind)})")
                continue
            lf = load_framework(path, known_probes=known)
        except SourceError as exc:
            problems += [str(i) for i in exc.issues]
            continue
        c = lf.framework.counts()
        typer.echo(
            f"ok {visible(str(path))} ({lf.ref}: {c['domains']} domains, {c['subdomains']} subdomains, "
            f"{c['items']} items, {c['requirements']} requirements)"
        )
    if problems:
        fail(problems, code=1)


def _file_kind(path: Path) -> str:
    """A framework file, another maturity model (reference model) or a mapping between the two, told by their keys.
    Anything unreadable is left to the framework loader, whose errors name file and line."""
    import yaml

    try:  # keys only: the base loader builds no dates or numbers, so nothing in a value can fail here
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, yaml.YAMLError):
        return "framework"
    if not isinstance(data, dict) or "domains" in data:
        return "framework"
    if "source" in data and "targets" in data:
        return "mapping"
    return "reference model"


def _validate_reference_file(path: Path, kind: str) -> str:
    """Check a reference model or a mapping file (against the reference model it names, found beside it or among
    the bundled ones, and the bundled CAICT parts it targets); a one-line summary when it is valid."""
    from capability_model.catalog import UnknownFrameworkError, resolve
    from capability_model.reference_models import MAPPINGS_DIR, load_mapping, load_reference_model
    from capability_model.sourcefile import SourceError, load_positioned

    if kind == "reference model":
        loaded = load_reference_model(path)
        return f"reference model {loaded.model.id}@{loaded.model.version}"
    doc = load_positioned(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    model_id = str(data.get("source", "")).split("@", 1)[0]
    candidates = [path.parent / f"{model_id}.yaml", MAPPINGS_DIR / f"{model_id}.yaml"]
    model_path = next((c for c in candidates if model_id and c.is_file()), None)
    if model_path is None:
        raise SourceError([doc.issue(("source",), f"no reference model '{model_id}' beside the file or bundled")])
    frameworks = []
    for ref in data.get("targets") or []:
        try:
            frameworks.append(resolve(str(ref)).framework)
        except UnknownFrameworkError:
            continue  # reported with its line by the mapping check
    mapping = load_mapping(path, load_reference_model(model_path).model, frameworks, doc).mapping
    return f"mapping {mapping.id}@{mapping.version}: {len(mapping.mappings)} relations"


@model_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="Older framework: ID@VERSION or path.")],
    new: Annotated[str, typer.Argument(help="Newer framework: ID@VERSION or path.")],
    fmt: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.table,
    lang: LangArg = LangOption.zh,
) -> None:
    """Requirements added, removed, reworded, moved between levels or items."""
    from capability_model.differ import diff_frameworks

    result = diff_frameworks(_resolve(old).framework, _resolve(new).framework, lang.lang)
    if fmt is DataFormat.json:
        from assessors.storage import json_text

        typer.echo(json_text(result.model_dump(mode="json")), nl=False)
        return
    from app.terminal import print_diff

    print_diff(_console(), result)


class CoverageByOption(StrEnum):
    """Mirrors capability_model.coverage.CoverageBy, not imported here so that `--help` stays fast."""

    item = "item"
    domain = "domain"
    level = "level"
    collector = "collector"


class CoverageFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


@model_app.command("coverage")
def coverage(
    refs: Annotated[
        list[str] | None, typer.Argument(help="Frameworks: ID, ID@VERSION or file (default: every bundled part).")
    ] = None,
    by: Annotated[CoverageByOption, typer.Option("--by", help="Group by item, domain, level or collector.")] = (
        CoverageByOption.domain
    ),
    fmt: Annotated[CoverageFormat, typer.Option("--format", "-f")] = CoverageFormat.table,
    lang: LangArg = LangOption.zh,
) -> None:
    """How many requirements collected evidence decides (automated), supports (assisted) or cannot reach (attested),
    and which probes and collectors their checks need."""
    from capability_model.catalog import catalog
    from capability_model.coverage import CoverageBy
    from capability_model.coverage import coverage as count

    names = refs or sorted({loaded.framework.id for loaded in catalog()})
    results = [count(_resolve(ref).framework, CoverageBy(by.value)) for ref in names]
    if fmt is CoverageFormat.json:
        from assessors.storage import json_text

        data = [r.model_dump(mode="json") for r in results]
        typer.echo(json_text(data[0] if len(data) == 1 else data), nl=False)
    elif fmt is CoverageFormat.markdown:
        from reports.markdown import render_coverage_markdown

        typer.echo(render_coverage_markdown(results, lang.lang), nl=False)
    else:
        from app.terminal import print_coverage

        console = _console()
        for result in results:
            print_coverage(console, result, lang.lang)


class SchemaOf(StrEnum):
    framework = "framework"
    assessment = "assessment"


@model_app.command("schema")
def schema(
    of: Annotated[SchemaOf, typer.Option("--of", help="Which file's schema.")] = SchemaOf.framework,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Print the JSON Schema of framework (or assessment) files, for editors and other tools."""
    if of is SchemaOf.framework:
        from capability_model.schema import Framework as Model
    else:
        from assessors.assessment import Assessment as Model  # type: ignore[assignment]
    text = json.dumps(Model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        from capability_model.atomicfile import write_atomic

        write_atomic(output, text)


class ExportFormat(StrEnum):
    oscal_catalog = "oscal-catalog"


@model_app.command("export")
def export(
    ref: Annotated[str, typer.Argument(help="ID, ID@VERSION or a framework file path.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")] = ExportFormat.oscal_catalog,
    lang: LangArg = LangOption.zh,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Export a framework for other tools: an OSCAL 1.2.1 catalog (groups = domains and subdomains, controls =
    capability items, parts = requirements with their level), written in --lang with the other language beside it."""
    from reports.oscal.render import render_catalog

    loaded = _resolve(ref)
    data = render_catalog(loaded.framework, loaded.sha256, lang.lang)
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        from capability_model.atomicfile import write_atomic

        write_atomic(output, data)
        say(f"wrote {output}", err=True)
