"""claimaudit: audit official claims about internet censorship in Pakistan against evidence.

Data flows one way: sources -> fetch (cache / mirror) -> datasets (typed polars frames)
-> checks (quality) -> audit (verdicts) -> notebooks -> report.
"""

from importlib.metadata import PackageNotFoundError, version

from claimaudit._lazy import defer_rfc3987_syntax

try:
    __version__ = version("claimaudit")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

from claimaudit.errors import (
    ChecksPending,
    ClaimauditError,
    DataError,
    FetchError,
    HashMismatchError,
    IntegrityError,
    NotAvailableError,
    RuleError,
)

__all__ = [
    "ChecksPending",
    "ClaimauditError",
    "DataError",
    "FetchError",
    "HashMismatchError",
    "IntegrityError",
    "NotAvailableError",
    "RuleError",
    "__version__",
]

defer_rfc3987_syntax()  # before anything imports jsonschema (claimaudit/_lazy.py says why)
