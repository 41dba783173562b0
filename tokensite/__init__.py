"""tokensite: plan where each kind of AI token should be made."""

from tokensite.config import Case, load_case
from tokensite.dataset import Dataset, read_dataset
from tokensite.errors import CaseError, DatasetError, Problem, UserError
from tokensite.packaged import init_case, shipped_case, shipped_dataset
from tokensite.results import Results
from tokensite.results.maps import plot_difference, plot_layers, plot_map
from tokensite.results.plans import compare, plan_tables
from tokensite.run import load_or_solve, solve

__version__ = "0.1.0"

__all__ = ["Case", "CaseError", "Dataset", "DatasetError", "Problem", "Results", "UserError", "compare", "init_case", "plan_tables", "plot_difference", "plot_layers", "plot_map", "load_case", "load_or_solve", "read_dataset", "shipped_case", "shipped_dataset", "solve", "__version__"]
