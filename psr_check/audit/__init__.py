"""The SPO batch audit: allocation records and their reports, judged like an inspector's sample.

records (ingest/records.py) → cases → lint (the same engine as ``psr-check lint``) → per-case
answers to the audit questions (from each document's ``checks``) → aggregates → render.
"""
