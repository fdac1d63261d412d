"""Jenkins evidence: jobs (folders walked), build history and results, triggers, last successful builds."""

from evidence_collectors.jenkins.collector import JenkinsCollector

__all__ = ["JenkinsCollector"]
