"""GitHub Actions evidence: workflows and their runs, environments, default-branch protection, deployments, releases."""

from evidence_collectors.github.collector import GitHubCollector

__all__ = ["GitHubCollector"]
