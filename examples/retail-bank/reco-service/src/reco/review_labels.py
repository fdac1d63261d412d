"""Pull the relevance labels the product specialists review in Label Studio (project 'reco-relevance-review') into the
evaluation set; Label Studio keeps who labelled what and when, and every change."""

import json

from label_studio_sdk import Client

PROJECT_TITLE = "reco-relevance-review"


def export(url: str, api_key: str, out: str) -> int:
    client = Client(url=url, api_key=api_key)
    project = next(p for p in client.list_projects() if p.title == PROJECT_TITLE)
    tasks = project.export_tasks(export_type="JSON")
    with open(out, "w") as handle:
        json.dump(tasks, handle)
    return len(tasks)
