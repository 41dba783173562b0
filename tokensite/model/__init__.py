"""The planning MILP: one module per constraint family of docs/formulation.md."""

from tokensite.model.build import build_model

__all__ = ["build_model"]
