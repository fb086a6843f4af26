"""What the notebooks call, above the audit and below the report: the frames they show
(:mod:`claimaudit.notebook.views`), the house charts (:mod:`claimaudit.notebook.charts`) and the
provenance rows of the data they read.

>>> from claimaudit.notebook import charts, views   # doctest: +SKIP
>>> charts.use_theme()                               # doctest: +SKIP
>>> claims = views.load_dataset(page, "claims")      # doctest: +SKIP

A notebook's :class:`~claimaudit.report.Page` (tables written as CSV and shown as HTML) belongs
to the report layer, which renders HTML; the views only call it.
"""

import sys

from claimaudit.notebook import _charts as charts
from claimaudit.notebook import _views as views
from claimaudit.notebook._provenance import LIVE_LICENCES, dataset_items, live_items, source_items

sys.modules.setdefault(f"{__name__}.charts", charts)  # `from claimaudit.notebook.charts import ...` works
sys.modules.setdefault(f"{__name__}.views", views)

__all__ = [
    "LIVE_LICENCES",
    "charts",
    "dataset_items",
    "live_items",
    "source_items",
    "views",
]
