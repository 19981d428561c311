"""psr-check: finds the gaps HM Inspectorate of Probation found in pre-sentence reports and allocations."""

__version__ = "0.1.0"
