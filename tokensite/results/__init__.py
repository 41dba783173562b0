"""Results: frozen frames and summary; plans, maps and reports read only these."""

from tokensite.results.results import Results

__all__ = ["Results"]
