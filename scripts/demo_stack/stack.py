"""Start the demo stack, run one command while it is up, stop everything it started whatever happens.

Everything lives under <out>/demo-stack/: state.json (what runs), logs/, mlflow/ (SQLite store and artifacts),
prometheus/ (config, rules, TSDB with a year of delivery metrics and a month of model alerts backfilled),
evidently/ (the reco team's drift reports), alerts-received.jsonl, populate.json. The resolved targets file:
<out>/targets.yaml.
The bank's Jira, cluster and orchestrator cannot run here: their recorded answers (examples/retail-bank/recorded/,
scripts/demo_stack/recorded.py) are served over HTTP on 127.0.0.1 from threads of this process, for as long as the
stack is up.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from pydantic import BaseModel, field_validator

from scripts.demo_stack import alert_history, delivery_history, drift_reports, prometheus_files, readiness
from scripts.demo_stack.catalogue import SERVED_MODELS
from scripts.demo_stack.filled import Populated
from scripts.demo_stack.processes import Supervisor, stop_recorded
from scripts.demo_stack.recorded import RECORDED_SERVICES, RecordedService
from scripts.demo_stack.targets import write_targets
from tests.support.recorded_http import RecordedHttpServer

ROOT = Path(__file__).resolve().parents[2]
RETENTION = "400d"  # the bank's monitoring policy: 13 months of metrics in Prometheus, older ones archived


class StackSettings(BaseModel):
    out: Path = ROOT / "examples" / "out"
    base_targets: Path = ROOT / "examples" / "retail-bank" / "targets.yaml"
    recorded: tuple[RecordedService, ...] = RECORDED_SERVICES
    ready_timeout_s: float = 180.0
    stop_grace_s: float = 10.0

    @field_validator("out", "base_targets")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        """Absolute, since the servers resolve relative paths against their own files (Prometheus' rule_files)."""
        return value.resolve()

    @property
    def home(self) -> Path:
        return self.out / "demo-stack"

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"


class RunningStack(BaseModel):
    mlflow_url: str
    prometheus_url: str
    recorded_urls: dict[str, str]  # target name -> URL of the recorded system
    targets_file: Path
    populated: Populated
    ready_s: float
    pids: list[int]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prometheus_binary() -> str:
    found = shutil.which("prometheus") or ("/usr/bin/prometheus" if Path("/usr/bin/prometheus").exists() else None)
    if not found:
        raise readiness.NotReady(
            "prometheus is not installed: run `make system-deps` as root (Debian package prometheus)"
        )
    return found


def mlflow_binary() -> str:
    found = Path(sys.executable).with_name("mlflow")
    if not found.exists():
        raise readiness.NotReady("mlflow is not installed in this environment: pip install -e '.[dev]'")
    return str(found)


def say(message: str) -> None:
    print(f"demo-stack: {message}", file=sys.stderr, flush=True)


class DemoStack:
    """The stack's processes; `start` leaves them running (and recorded), `stop` ends all of them."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.supervisor = Supervisor(settings.state_file)
        self.recorded: list[RecordedHttpServer] = []

    def _alive(self, pid: int) -> bool:
        return self.supervisor.exit_code(pid) is None

    def start(self) -> RunningStack:
        started = time.monotonic()
        home = self.settings.home
        left = stop_recorded(self.settings.state_file, self.settings.stop_grace_s)
        if left:
            say(f"stopped what an earlier run left running: {', '.join(left)}")
        shutil.rmtree(home, ignore_errors=True)
        logs = home / "logs"
        prometheus = prometheus_binary()
        services = {m.name: free_port() for m in SERVED_MODELS}
        delivery_port, alerts_port, mlflow_port, prometheus_port = free_port(), free_port(), free_port(), free_port()
        python = sys.executable
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

        exporter = self.supervisor.spawn(
            "exporter",
            [
                python,
                "-m",
                "scripts.demo_stack.exporter",
                *[f"--service={n}={p}" for n, p in services.items()],
                f"--delivery-port={delivery_port}",
                f"--alerts-port={alerts_port}",
                f"--alerts-log={home / 'alerts-received.jsonl'}",
            ],
            logs / "exporter.log",
            env,
        )
        (home / "mlflow").mkdir(parents=True)
        mlflow = self.supervisor.spawn(
            "mlflow",
            [
                mlflow_binary(),
                "server",
                "--backend-store-uri",
                f"sqlite:///{home / 'mlflow' / 'mlflow.db'}",
                "--default-artifact-root",
                str(home / "mlflow" / "artifacts"),
                "--host",
                "127.0.0.1",
                "--port",
                str(mlflow_port),
                "--workers",
                "1",
            ],
            logs / "mlflow.log",
            {**env, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
        )
        files = prometheus_files.write(
            home / "prometheus",
            prometheus_port,
            {n: f"127.0.0.1:{p}" for n, p in services.items()},
            f"127.0.0.1:{delivery_port}",
            f"127.0.0.1:{alerts_port}",
        )
        delivery_history.backfill(home / "prometheus" / "data", home / "prometheus", time.time())
        alert_history.backfill(home / "prometheus" / "data", home / "prometheus", time.time())
        drift_reports.write(home / "evidently", time.time())
        prom = self.supervisor.spawn(
            "prometheus",
            [
                prometheus,
                f"--config.file={files.config}",
                f"--storage.tsdb.path={home / 'prometheus' / 'data'}",
                f"--storage.tsdb.retention.time={RETENTION}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
                "--log.level=warn",
            ],
            logs / "prometheus.log",
        )

        for port in [*services.values(), delivery_port]:
            readiness.wait_for_http(f"http://127.0.0.1:{port}/metrics", 30, lambda: self._alive(exporter))
        mlflow_url = f"http://127.0.0.1:{mlflow_port}"
        readiness.wait_for_http(f"{mlflow_url}/health", self.settings.ready_timeout_s, lambda: self._alive(mlflow))
        say(f"MLflow answers on {mlflow_url}; filling it with the bank's experiments and models")
        summary = home / "populate.json"
        filler = self.supervisor.spawn(
            "populate",
            [python, "-m", "scripts.demo_stack.populate", mlflow_url, str(summary)],
            logs / "populate.log",
            env,
        )
        if self.supervisor.wait(filler) != 0 or not summary.exists():
            raise readiness.NotReady(f"filling MLflow failed; see {logs / 'populate.log'}")
        populated = Populated.model_validate_json(summary.read_text(encoding="utf-8"))
        prometheus_url = f"http://127.0.0.1:{prometheus_port}"
        readiness.wait_for_prometheus(prometheus_url, self.settings.ready_timeout_s, lambda: self._alive(prom))
        recorded_targets = []
        for service in self.settings.recorded:
            server = RecordedHttpServer.from_manifest(service.routes).start()
            self.recorded.append(server)
            recorded_targets.append(service.target(server.base_url))
        targets = write_targets(
            self.settings.base_targets,
            self.settings.out / "targets.yaml",
            mlflow_url,
            prometheus_url,
            recorded_targets,
            home / "evidently",
        )
        return RunningStack(
            mlflow_url=mlflow_url,
            prometheus_url=prometheus_url,
            recorded_urls={t["name"]: t["url"] for t in recorded_targets},
            targets_file=targets,
            populated=populated,
            ready_s=round(time.monotonic() - started, 1),
            pids=[s.pid for s in self.supervisor.state.started],
        )

    def stop(self) -> list[str]:
        """Stop every process group started (and the recorded systems); returns those that had to be killed."""
        while self.recorded:
            self.recorded.pop().stop()
        return self.supervisor.stop_all(self.settings.stop_grace_s)


class Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []  # the signals received during `run`


def _raise(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Interrupted(signum)


def _check_received() -> None:
    """Raise for a signal whose exception was swallowed. Python runs a handler between any two bytecodes, also inside
    a callback whose exceptions it only prints (a weakref callback of an import lock, a `__del__`): a SIGTERM that came
    then would otherwise let the stack start and the command run as if nothing had happened."""
    if _received:
        raise Interrupted(_received[-1])


def describe(running: RunningStack) -> str:
    c = running.populated.counts
    alerting, recording = prometheus_files.rule_counts()
    return (
        f"ready in {running.ready_s:g} s — MLflow {running.mlflow_url}: {c.experiments} experiments, {c.runs} runs, "
        f"{c.model_versions} versions of {c.registered_models} registered models "
        f"(filled in {running.populated.seconds:g} s); "
        f"Prometheus {running.prometheus_url}: {len(SERVED_MODELS)} model services scraped, {alerting} alerting and "
        f"{recording} recording rules evaluated; "
        + "".join(f"{s.label} {running.recorded_urls.get(s.name, '?')}; " for s in RECORDED_SERVICES)
        + f"targets file {running.targets_file}"
    )


def run(settings: StackSettings, command: Sequence[str]) -> int:
    """Start the stack, run `command`, stop the stack; the command's exit code (1 if the stack failed to start,
    130/143 when interrupted)."""
    _received.clear()
    previous = {s: signal.signal(s, _raise) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    stack = DemoStack(settings)
    child: subprocess.Popen[bytes] | None = None
    code = 1
    try:
        say("starting MLflow, Prometheus and the model-service exporter on 127.0.0.1")
        running = stack.start()
        _check_received()
        say(describe(running))
        child = subprocess.Popen(list(command))
        code = child.wait()
        _check_received()
    except readiness.NotReady as exc:
        say(f"the stack did not start: {exc} (logs in {settings.home / 'logs'})")
    except (KeyboardInterrupt, Interrupted) as exc:
        code = 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
        say("interrupted; stopping the stack")
        if child is not None:
            _end_child(child, exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl+C must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        killed = stack.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        say("stopped every process it started" + (f" ({', '.join(killed)} needed SIGKILL)" if killed else ""))
    return code


def _end_child(child: subprocess.Popen[bytes], signum: int) -> None:
    """Let the command finish its own clean-up: a Ctrl+C from the terminal reached it too (same process group), a
    signal sent to us alone is passed on; then SIGTERM, then SIGKILL."""
    for sig, wait_s in ((None if signum == signal.SIGINT else signum, 2.0), (signum, 15.0), (signal.SIGTERM, 10.0)):
        if sig is not None and child.poll() is None:
            child.send_signal(sig)
        try:
            child.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
    child.kill()
    child.wait()
