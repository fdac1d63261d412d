"""Evidently drift and model-quality reports as evidence of model monitoring."""
