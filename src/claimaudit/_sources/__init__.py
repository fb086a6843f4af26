"""Private implementation of :mod:`claimaudit.sources`: reading and typing third-party files."""
