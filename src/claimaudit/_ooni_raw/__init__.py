"""Private implementation of :mod:`claimaudit.ooni_raw` (reading, typed decoding, extraction)."""
