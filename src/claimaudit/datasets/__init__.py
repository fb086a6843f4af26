"""The data layer: our curated datasets and the loaders of third-party data, above the fetch layer.

- curated datasets (``datasets/<name>/datapackage.json``): :func:`load`, :func:`stamp`,
  :func:`inventory`, ... (implemented in :mod:`claimaudit.datasets._datasets`);
- pinned third-party sets: :mod:`claimaudit.datasets.sources`;
- live services: :mod:`claimaudit.datasets.ooni_api`, :mod:`claimaudit.datasets.tor_metrics`,
  :mod:`claimaudit.datasets.ioda`;
- what changed since a dataset was stamped, and files edited but not stamped:
  :mod:`claimaudit.datasets.stamping`;
- the OONI test kinds the suite knows (one entry each): :mod:`claimaudit.datasets.ooni_tests`;
- the raw OONI corpus and its fingerprints: :mod:`claimaudit.datasets.ooni_raw` (files),
  :mod:`claimaudit.datasets.ooni_corpus` (OONI's bucket, on Dask), :mod:`claimaudit.datasets.fingerprints`.

The loaders are private modules with a curated ``__all__``, published here under public names:

>>> from claimaudit.datasets import ooni_api
>>> ooni_api.__name__
'claimaudit.datasets._ooni_api'
>>> from claimaudit.datasets.ooni_api import anomaly_rate   # the alias is importable as a module too
"""

import sys

from claimaudit.datasets import _fingerprints as fingerprints
from claimaudit.datasets import _ioda as ioda
from claimaudit.datasets import _ooni_api as ooni_api
from claimaudit.datasets import _ooni_corpus as ooni_corpus
from claimaudit.datasets import _ooni_raw as ooni_raw
from claimaudit.datasets import _ooni_tests as ooni_tests
from claimaudit.datasets import _sources as sources
from claimaudit.datasets import _stamping as stamping
from claimaudit.datasets import _tor_metrics as tor_metrics
from claimaudit.datasets._datasets import Package, inventory, list_datasets, load, load_package, read_package, stamp

for _alias, _module in {
    "fingerprints": fingerprints,
    "ioda": ioda,
    "ooni_api": ooni_api,
    "ooni_corpus": ooni_corpus,
    "ooni_raw": ooni_raw,
    "ooni_tests": ooni_tests,
    "sources": sources,
    "stamping": stamping,
    "tor_metrics": tor_metrics,
}.items():
    sys.modules.setdefault(f"{__name__}.{_alias}", _module)  # `import claimaudit.datasets.sources` works
del _alias, _module

__all__ = [
    "Package",
    "fingerprints",
    "inventory",
    "ioda",
    "list_datasets",
    "load",
    "load_package",
    "ooni_api",
    "ooni_corpus",
    "ooni_raw",
    "ooni_tests",
    "read_package",
    "sources",
    "stamp",
    "stamping",
    "tor_metrics",
]
