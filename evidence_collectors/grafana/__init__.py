"""Grafana collector: dashboards and the queries of their panels, alert rules, data sources, deployment annotations."""
