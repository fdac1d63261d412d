"""Jira evidence: requirements (acceptance criteria, review, planning, test links), test cases, bugs, risks and
sprints of Jira Cloud or Jira Server / Data Center projects."""

from evidence_collectors.jira.collector import JiraCollector

__all__ = ["JiraCollector"]
