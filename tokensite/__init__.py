"""tokensite: plan where each kind of AI token should be made."""

from tokensite.config import Case, load_case
from tokensite.dataset import Dataset, read_dataset
from tokensite.errors import CaseError, DatasetError, Problem, UserError

__version__ = "0.1.0"

__all__ = ["Case", "CaseError", "Dataset", "DatasetError", "Problem", "UserError", "load_case", "read_dataset", "__version__"]
