"""GitLab CI evidence: pipelines, protected branches, merge request approvals, environments and deployments."""

from evidence_collectors.gitlab.collector import GitLabCollector

__all__ = ["GitLabCollector"]
