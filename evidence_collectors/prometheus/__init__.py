"""Prometheus collector: scrape targets, model metrics, alerting and recording rules, firing alerts."""
