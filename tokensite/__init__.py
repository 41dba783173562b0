"""tokensite: plan where each kind of AI token should be made."""

from tokensite.config import Case, load_case
from tokensite.dataset import Dataset, read_dataset
from tokensite.errors import CaseError, DatasetError, Problem, UserError
from tokensite.results import Results
from tokensite.run import solve

__version__ = "0.1.0"

__all__ = ["Case", "CaseError", "Dataset", "DatasetError", "Problem", "Results", "UserError", "load_case", "read_dataset", "solve", "__version__"]
