"""Case-progress lookup: each progress record becomes one encrypted, padded file that only the
holder of the receipt (case number + query code) can find and open. See progress/README.md."""
from .publish import ProgressResult, publish_progress

__all__ = ["ProgressResult", "publish_progress"]
