"""OpenSSF Scorecard results (JSON v2) read as evidence: one record per supply-chain check Scorecard scored."""
