"""ZenTao (禅道) evidence: products, stories (需求), test cases, bugs, iterations and plans, risks."""

from evidence_collectors.zentao.collector import ZentaoCollector

__all__ = ["ZentaoCollector"]
