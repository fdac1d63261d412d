"""Python dependency pinning as a share over every manifest of a real repository: each manifest kind, the lock file
that locks only the manifest beside it, folders that are not the project's own code, and the per-manifest list."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.collector import GitCollector
from evidence_collectors.records import EvidenceStatus, ProbeValue
from evidence_collectors.runner import collect
from evidence_collectors.targets import load_targets
from tests.collectors.git_support import RepoBuilder

RATIO = "git.python_dependencies_pinned_ratio"
LISTED = "git.dependency_manifests_pinning"


def _collect(tmp_path: Path, files: dict[str, str | bytes]) -> dict[str, tuple[ProbeValue, str]]:
    """(value, summary) of every ok record of one repository holding `files`."""
    RepoBuilder(tmp_path / "repo").commit("files", files)
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"targets:\n  - {{collector: git, name: repo, path: {tmp_path / 'repo'}}}\n", encoding="utf-8")
    records = collect(load_targets(targets, {"git": GitCollector})).records
    return {r.probe: (r.value, r.summary) for r in records if r.status is EvidenceStatus.ok}


def test_each_manifest_kind_counts_its_own_dependencies(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        # 2 of 3 pinned (== and a hash); the -r include and the comment are not dependencies
        "requirements.txt": "-r base.txt\n# tools\nnumpy==1.26.4\npandas>=2\nrequests --hash=sha256:abc\n",
        # 1 of 2: === is exact, ~= is not
        "svc/pyproject.toml": '[project]\nname = "svc"\ndependencies = ["fastapi===0.110.0", "pydantic~=2.6"]\n',
        # 1 of 2 poetry deps (python itself is not counted): "1.2.3" is exact, "^1.2" is not
        "lib/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nclick = "8.1.7"\nrich = "^13"\n',
        # 1 of 2: Pipfile [packages] only, dev-packages left out
        "api/Pipfile": '[packages]\nflask = "==3.0.2"\ngunicorn = "*"\n[dev-packages]\npytest = "*"\n',
        # 1 of 2 from the literal install_requires list
        "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['scipy==1.12.0', 'tqdm'])\n",
        # 0 of 1
        "tool/setup.cfg": "[metadata]\nname = tool\n[options]\ninstall_requires =\n    pyyaml>=6\n",
        # any name, recognised by content: 2 of 4 (=x.y.z and version=build; =3.9 is not a full version), python
        # and pip are not counted, the pip list counts
        "envs/train-gpu.yml": (
            "name: train\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - numpy=1.26.4\n"
            "  - conda-forge::scikit-learn=1.4=py311h0\n  - pandas=2.1\n  - pip:\n    - mlflow\n"
        ),
    }
    values = _collect(tmp_path, files)
    listed = values[LISTED][0]
    assert listed == [
        "api/Pipfile: 1/2",
        "envs/train-gpu.yml: 2/4",
        "lib/pyproject.toml: 1/2",
        "requirements.txt: 2/3",
        "setup.py: 1/2",
        "svc/pyproject.toml: 1/2",
        "tool/setup.cfg: 0/1",
    ]
    pinned, declared = 1 + 2 + 1 + 2 + 1 + 1 + 0, 2 + 4 + 2 + 3 + 2 + 2 + 1
    assert values[RATIO][0] == round(pinned / declared, 4)
    assert f"{pinned} of {declared}" in values[RATIO][1]


def test_a_lock_file_locks_only_the_manifest_beside_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Pipfile": '[packages]\nflask = "*"\nboto3 = "*"\n',
        "Pipfile.lock": '{"_meta": {}, "default": {}}\n',
        "service/pyproject.toml": '[project]\nname = "s"\ndependencies = ["httpx", "anyio"]\n',
        "service/uv.lock": "version = 1\n",
        "env/environment.yml": "dependencies:\n  - numpy\n",
        "env/conda-lock.yml": "version: 1\npackage: []\n",
        # not locked: the lock files above are in other folders; go.sum and package-lock.json never count
        "jobs/requirements.txt": "torch\ntransformers\nnumpy==1.26.4\n",
        "jobs/go.sum": "golang.org/x/text v0.3.0 h1:abc=\n",
        "jobs/package-lock.json": '{"lockfileVersion": 3}\n',
    }
    values = _collect(tmp_path, files)
    assert values[LISTED][0] == [
        "Pipfile: 2/2 (locked by Pipfile.lock)",
        "env/environment.yml: 1/1 (locked by conda-lock.yml)",
        "jobs/requirements.txt: 1/3",
        "service/pyproject.toml: 2/2 (locked by uv.lock)",
    ]
    assert values[RATIO][0] == round(6 / 8, 4)
    assert "jobs/requirements.txt 1/3" in values[RATIO][1]
    # the older probes keep their meaning: any lock file still reads as locked there
    assert values["git.dependencies_locked"][0] is True


def test_poetry_and_pdm_locks_and_compiled_pip_tools_inputs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nnumpy = "^1.26"\n',
        "a/poetry.lock": "# poetry lock\n",
        "b/pyproject.toml": '[project]\nname = "b"\ndependencies = ["rich"]\n',
        "b/pdm.lock": "# pdm lock\n",
        # an .in beside the .txt compiled from it: only the compiled file counts
        "c/requirements.in": "pandas\nnumpy\n",
        "c/requirements.txt": "# autogenerated by pip-compile\nnumpy==1.26.4\npandas==2.2.1\n",
        # an .in alone counts like a requirements file
        "d/requirements-dev.in": "pytest\nruff==0.3.0\n",
    }
    values = _collect(tmp_path, files)
    assert values[LISTED][0] == [
        "a/pyproject.toml: 1/1 (locked by poetry.lock)",
        "b/pyproject.toml: 1/1 (locked by pdm.lock)",
        "c/requirements.txt: 2/2",
        "d/requirements-dev.in: 1/2",
    ]
    assert values[RATIO][0] == round(5 / 6, 4)


def test_docs_examples_tutorials_and_templates_are_not_the_projects_own(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "numpy==1.26.4\npandas==2.2.1\n",
        "docs/requirements.txt": "sphinx\nfuro\n",
        "examples/quickstart/requirements.txt": "torch\n",
        "tutorials/01/environment.yml": "name: t\ndependencies:\n  - numpy\n",
        "templates/{{cookiecutter.name}}/requirements.txt": "flask\n",
        "samples/setup.py": "setup(install_requires=['x'])\n",
        # a fixture project below tests/ is not the project's own; tests/requirements.txt itself is
        "tests/e2e/bento/requirements.txt": "scikit-learn\n",
        "tests/unit/fixtures/environment.yml": "dependencies:\n  - numpy\n",
        "tests/requirements.txt": "pytest==8.1.1\n",
    }
    values = _collect(tmp_path, files)
    assert values[LISTED][0] == ["requirements.txt: 2/2", "tests/requirements.txt: 1/1"]
    assert values[RATIO][0] == 1.0


def test_yaml_that_is_not_an_environment_and_no_manifests(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        # a dependencies: key in some other configuration is not a conda environment
        "deploy/values.yaml": "replicas: 2\ndependencies:\n  - name: redis\n    version: 1.0.0\n",
        "conda-lock.yml": "version: 1\nmetadata: {}\npackage: []\n",
        "README.md": "nothing here\n",
    }
    values = _collect(tmp_path, files)
    assert values[LISTED][0] == []
    assert values[RATIO][0] == 0.0
    assert "no declared Python dependencies" in values[RATIO][1]


def test_the_list_is_bounded(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"svc{i:02d}/requirements.txt": "numpy==1.26.4\nrich\n" for i in range(55)}
    values = _collect(tmp_path, files)
    listed = values[LISTED][0]
    assert isinstance(listed, list) and len(listed) == 51 and listed[-1] == "(+5 more)"
    assert listed[0] == "svc00/requirements.txt: 1/2"
    assert values[RATIO][0] == 0.5


def test_setup_py_install_requires_through_a_module_level_list(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pkg/setup.py": (
            "from setuptools import setup\n"
            "required_packages = [\n    'sagemaker',\n    'boto3==1.34.0',\n]\n"
            "setup(name='pkg', install_requires=required_packages, extras_require={'t': ['pytest']})\n"
        ),
        # read from a file at run time: nothing declared in setup.py itself (requirements.txt counts on its own)
        "other/setup.py": "setup(install_requires=open('requirements.txt').read().split())\n",
        "other/requirements.txt": "pandas==2.2.1\n",
    }
    values = _collect(tmp_path, files)
    assert values[LISTED][0] == ["other/requirements.txt: 1/1", "pkg/setup.py: 1/2"]
    assert values[RATIO][0] == round(2 / 3, 4)
