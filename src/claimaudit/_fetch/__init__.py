"""Private implementation of :mod:`claimaudit.fetch` (layout, manifest, HTTP download)."""
