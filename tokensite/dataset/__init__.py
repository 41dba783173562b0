"""Input side: CSV folder -> validated, frozen Dataset."""

from tokensite.dataset.dataset import Dataset
from tokensite.dataset.load import read_dataset

__all__ = ["Dataset", "read_dataset"]
