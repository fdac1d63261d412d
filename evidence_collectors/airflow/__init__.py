"""Apache Airflow evidence: DAGs, schedules, tasks, recent runs and task retries, read through Airflow's REST API."""

from evidence_collectors.airflow.collector import AirflowCollector

__all__ = ["AirflowCollector"]
