"""Synthetic rule files for tests of rule loading and of the evidence registries."""

#: A rule file with one evidence rule about a VPN-blocking denial: ``{source}`` and its ``{option}`` line.
EVIDENCE_RULE_FILE = """\
rules:
  - id: synthetic-evidence
    kind: evidence_vs_assertion
    title: synthetic
    select:
      subject: vpn_blocking
    params:
      polarity:
        vpns_not_blocked: denies_blocking
    evidence:
      - source: {source}
        {option}
"""
