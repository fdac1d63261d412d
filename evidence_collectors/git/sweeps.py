"""Tuning and tracking that live in run configuration and launch scripts rather than in library calls.

- A Hydra sweeper that searches (`override /hydra/sweeper: optuna`, `_target_: ...OptunaSweeper`, Ax, Nevergrad):
  the search runs when the config is selected, so the configuration is the tuning.
- A launch script that loops over values of a hyperparameter and passes each one to the run
  (`for beta in 0.01 0.1; do sbatch ... --beta=${beta}`): a grid search by hand. A loop over seeds or data sets is
  repetition, not a search, so only hyperparameter options count.
- `report_to:` of a Hugging Face trainer configuration naming a tracker (`wandb`, `tensorboard`, `mlflow`, ...): the
  trainer logs the run's parameters and metrics there.
"""

from __future__ import annotations

import re

from evidence_collectors.git.pyast import Hit
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot

_SEARCH_SWEEPERS = {"optuna": "optuna", "ax": "ax", "nevergrad": "nevergrad"}
_HYDRA_SWEEPER = re.compile(
    r"^\s*-?\s*override\s+/?hydra/sweeper\s*:\s*(optuna|ax|nevergrad)\b"
    r"|^\s*_target_\s*:\s*hydra_plugins\.hydra_(optuna|ax|nevergrad)_sweeper\.",
    re.MULTILINE,
)
_LOOP = re.compile(r"\bfor\s+([A-Za-z_]\w*)\s+in\b")
# options that set a hyperparameter of the run (names normalised to lower case with `_`)
_HYPERPARAMETER_NAMES = {
    "lr",
    "learning_rate",
    "beta",
    "alpha",
    "gamma",
    "lambda",
    "weight_decay",
    "dropout",
    "batch_size",
    "per_device_train_batch_size",
    "epochs",
    "num_epochs",
    "num_train_epochs",
    "max_depth",
    "n_estimators",
    "num_leaves",
    "momentum",
    "warmup_ratio",
    "warmup_steps",
    "loss_type",
    "hidden_size",
    "num_layers",
    "lora_r",
    "lora_alpha",
    "temperature",
}
HYPERPARAMETERS = frozenset(h.lower() for h in _HYPERPARAMETER_NAMES)
_OPTION_VALUE = r"--([A-Za-z][\w-]*)[= ]\"?\$\{?%s\}?\b"
_TRACKERS = {
    "wandb": "wandb",
    "tensorboard": "tensorboard",
    "mlflow": "mlflow",
    "comet_ml": "comet",
    "neptune": "neptune",
    "clearml": "clearml",
    "dvclive": "dvclive",
    "aim": "aim",
    "azure_ml": "azureml",
}
_REPORT_TO = re.compile(r"^[ \t]*report_to[ \t]*:[ \t]*(.*)$", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*-\s*[\"']?([\w-]+)", re.MULTILINE)


def _own(snap: Snapshot, suffixes: tuple[str, ...], word: bytes) -> list[str]:
    """The project's own files with these suffixes whose bytes hold the word (a cheap test before decoding)."""
    return [
        path
        for path in snap.contents
        if path.lower().endswith(suffixes) and path_scope(path) == "own" and word in snap.contents[path]
    ]


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def hydra_sweeps(snap: Snapshot) -> list[Hit]:
    """Hydra configurations that select a searching sweeper (Optuna, Ax, Nevergrad)."""
    hits: list[Hit] = []
    for path in _own(snap, (".yaml", ".yml"), b"sweeper"):
        text = snap.text(path)
        match = _HYDRA_SWEEPER.search(text)
        if match:
            tool = _SEARCH_SWEEPERS[match.group(1) or match.group(2)]
            hits.append(Hit(tool, path, _line(text, match.start()), f"Hydra {tool} sweeper"))
    return hits


def script_grids(snap: Snapshot) -> list[Hit]:
    """Shell scripts that run once per value of a hyperparameter (a loop variable passed as a hyperparameter)."""
    hits: list[Hit] = []
    for path in _own(snap, (".sh", ".bash", ".slurm"), b"for "):
        text = snap.text(path)
        for loop in _LOOP.finditer(text):
            variable = re.escape(loop.group(1))
            options = re.finditer(_OPTION_VALUE % variable, text[loop.end() :])
            names = {o.group(1).lower().replace("-", "_") for o in options}
            tuned = sorted(names & HYPERPARAMETERS)
            if tuned:
                hits.append(Hit("script_grid", path, _line(text, loop.start()), f"loop over --{tuned[0]}"))
                break
    return hits


def trainer_trackers(snap: Snapshot) -> list[Hit]:
    """Trainer configurations (`report_to:`) that send the run's metrics to a tracking tool."""
    hits: list[Hit] = []
    for path in _own(snap, (".yaml", ".yml"), b"report_to"):
        text = snap.text(path)
        for match in _REPORT_TO.finditer(text):
            inline = match.group(1).strip().strip("[]")
            if inline:
                values = [v.strip().strip("\"'") for v in inline.split(",")]
            else:  # a block list on the following lines
                block = re.match(r"(?:\n[ \t]*-[^\n]*)+", text[match.end() :])
                values = _LIST_ITEM.findall(block.group(0)) if block else []
            for value in values:
                tool = _TRACKERS.get(value.lower())  # `all`/`none` name no tracker
                if tool:
                    hits.append(Hit(tool, path, _line(text, match.start()), f"report_to: {value}"))
    return hits
