"""Benchmark and test aids, not shipped with the dashboard: scoring_pandas, the scoring engine
written again in pandas (the benchmark's comparison and an independent check of the SQL)."""
