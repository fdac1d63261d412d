"""Write the bank's recorded Kubernetes API (examples/retail-bank/recorded/kubernetes/): the reco namespaces of its
cluster as the API server answers a read-only ServiceAccount.

    python -m scripts.demo_stack.kubernetes_recording

The answers are written in the API's documented list format by the row renderer the Kubernetes collector's tests use
(tests/collectors/fixtures/kubernetes/generate.py), from the tables below. The tables say what the bank's P2.DR and
P2.CM.EM answers say: four environments (dev, test, staging, prod) as labelled namespaces; the ranker reco-ranking
served by KServe from its ONNX export (the prod InferenceService rolls version 95 out as a 10% canary over 94, with
6 to 12 replicas); every object synced by Argo CD from reco-deploy; the retrieval model reco-recall as a Deployment
with an HPA (4 to 10 replicas in prod) and a Service; Istio installed under KServe; no Argo Rollouts, no Flagger
(canary promotion is judged by a person) and no blue-green strategy. One deliberate gap: reco-dev has no
ResourceQuota, although the environment inventory answer (P2.CM.EM.01.R02) lists quotas for every reco namespace.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "examples" / "retail-bank" / "recorded" / "kubernetes"
PREFIX = "k8s"  # the path prefix the recorded server answers under: <server>/k8s
NAMESPACES = ["reco-dev", "reco-test", "reco-staging", "reco-prod"]
HARBOR = "harbor.huaxin.internal/reco"


def _renderer() -> ModuleType:
    """The Kubernetes fixture renderer of the collector tests, loaded from its file (the fixtures are not a package)."""
    path = ROOT / "tests" / "collectors" / "fixtures" / "kubernetes" / "generate.py"
    spec = importlib.util.spec_from_file_location("kubernetes_fixture_renderer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


# kind, namespace, name, recognition (L model-name/-version labels), model, version, resources (R requests and
# limits), probes (B liveness and readiness), replicas, ready, image, strategy (R RollingUpdate), Service, history
WORKLOADS = f"""
D reco-dev     reco-recall L reco-recall 33 R B 1 y {HARBOR}/reco-recall:2.4.0 R reco-recall -
D reco-test    reco-recall L reco-recall 32 R B 1 y {HARBOR}/reco-recall:2.3.2 R reco-recall -
D reco-staging reco-recall L reco-recall 32 R B 2 y {HARBOR}/reco-recall:2.3.2 R reco-recall -
D reco-prod    reco-recall L reco-recall 31 R B 4 y {HARBOR}/reco-recall:2.3.1 R reco-recall -
"""


def cluster(r: ModuleType) -> Any:
    ranking = "models:/reco-ranking-onnx/{}"
    return r.Cluster(
        prefix=PREFIX,
        namespaces=[r.Ns(n, f"environment={n.removeprefix('reco-')}") for n in NAMESPACES],
        workloads=r.rows(WORKLOADS),
        isvcs=[
            r.Isvc("reco-dev", "reco-ranking", "new", "onnx", ranking.format(96), "R", "B", "1", "-", "-", "y"),
            r.Isvc("reco-test", "reco-ranking", "new", "onnx", ranking.format(95), "R", "B", "1", "2", "-", "y"),
            r.Isvc("reco-staging", "reco-ranking", "new", "onnx", ranking.format(95), "R", "B", "2", "4", "-", "y"),
            r.Isvc("reco-prod", "reco-ranking", "new", "onnx", ranking.format(95), "R", "B", "6", "12", "10", "y"),
        ],
        hpas=[
            r.HpaRow("reco-staging", "reco-recall", "Deployment", "reco-recall", 2, 4),
            r.HpaRow("reco-prod", "reco-recall", "Deployment", "reco-recall", 4, 10),
        ],
        quotas=[
            r.Quota(
                "reco-test", "reco-compute", {"requests.cpu": "16", "requests.memory": "64Gi", "limits.memory": "96Gi"}
            ),
            r.Quota("reco-staging", "reco-compute", {"requests.cpu": "32", "requests.memory": "128Gi"}),
            r.Quota(
                "reco-prod", "reco-compute", {"requests.cpu": "96", "requests.memory": "384Gi", "limits.cpu": "128"}
            ),
        ],
        installed={"kserve", "istio", "argocd"},
        managed={f"{ns}/{name}": "argocd" for ns in NAMESPACES for name in ("reco-ranking", "reco-recall")},
        gitops=[r.GitOps("argocd", "argocd", "app", "git", "auto", "y")],  # one Application, synced and self-healing
    )


def write(out: Path = OUT) -> dict[str, Any]:
    """Write the answers, routes.yaml and expected.json (the figures the tables imply) under `out`."""
    r = _renderer()

    class Writer(r.Writer):  # type: ignore[misc,name-defined]
        def body(self, name: str, data: Any) -> str:
            name = name.removeprefix(f"{PREFIX}/")  # the files sit beside routes.yaml
            text = json.dumps(data, ensure_ascii=False, indent=1).replace("example.com", "huaxin.internal")
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
            return name

    w = Writer(out)
    expected: dict[str, Any] = r.build(w, cluster(r))
    header = (
        "# The bank's cluster (namespaces reco-dev, reco-test, reco-staging, reco-prod) as the Kubernetes API answers\n"
        "# a read-only ServiceAccount: core, apps, autoscaling, KServe and Istio (Argo Rollouts, Flagger and Seldon\n"
        "# answer 404: not installed). Served over HTTP on 127.0.0.1 under /k8s by scripts/demo_stack while the demo\n"
        "# collects. Written by scripts/demo_stack/kubernetes_recording.py: edit its tables and rerun it, never this\n"
        "# file.\n"
    )
    manifest = header + yaml.safe_dump({"routes": w.routes}, allow_unicode=True, sort_keys=False, width=200)
    (out / "routes.yaml").write_text(manifest, encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return expected


if __name__ == "__main__":
    import shutil

    if OUT.exists():
        shutil.rmtree(OUT)
    figures = write()
    workloads, spaces = figures["model_workloads"], figures["namespaces"]
    print(f"wrote {OUT.relative_to(ROOT)}: {workloads} model workloads, {spaces} namespaces")
