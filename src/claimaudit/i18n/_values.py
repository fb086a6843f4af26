"""Data values a reader sees, in words: the ledger's units, verbs, periods, categories, venues,
metrics and scopes, the evidence sources, the verdict vocabulary. Each entry's English words are
a message whose context (``msgctxt``) is the kind of value, so a translator sees "unit: urls" and
a word can read differently in two kinds ("window" as a period, "blocked" as a verb).

Claim wording, claim ids, URLs, ASNs and names are data shown as they are (never here).
Translate with :func:`claimaudit.i18n.value_words`; a value missing here is shown with its
underscores as spaces (in English) and, in another edition, through the catalogue when it has it.
"""

from __future__ import annotations


def NP_(context: str, message: str) -> str:
    """Marks ``message`` (in ``context``) for extraction; the same as :func:`claimaudit.i18n.NP_`."""
    return message


#: kind -> value key -> English words (a message in the context ``kind``).
VALUES: dict[str, dict[str, str]] = {
    "unit": {
        "apps": NP_("unit", "apps"),
        "attempts": NP_("unit", "attempts"),
        "channels": NP_("unit", "channels"),
        "companies": NP_("unit", "companies"),
        "complaints": NP_("unit", "complaints"),
        "people": NP_("unit", "people"),
        "percent": NP_("unit", "percent"),
        "providers": NP_("unit", "providers"),
        "sites": NP_("unit", "sites"),
        "urls": NP_("unit", "urls"),
        "vpns": NP_("unit", "vpns"),
        "vpns_or_ips": NP_("unit", "vpns or ips"),
        "web_links": NP_("unit", "web links"),
        "websites": NP_("unit", "websites"),
        "websites_or_pages": NP_("unit", "websites or pages"),
    },
    "verb": {
        "accessed": NP_("verb", "accessed"),
        "blocked": NP_("verb", "blocked"),
        "directed": NP_("verb", "directed"),
        "identified": NP_("verb", "identified"),
        "licensed": NP_("verb", "licensed"),
        "processed": NP_("verb", "processed"),
        "registered": NP_("verb", "registered"),
        "rejected": NP_("verb", "rejected"),
        "removed": NP_("verb", "removed"),
        "stated": NP_("verb", "stated"),
        "still_accessible": NP_("verb", "still accessible"),
    },
    "period": {
        "cumulative": NP_("period", "cumulative"),
        "cumulative_since": NP_("period", "cumulative since a start date"),
        "fiscal_year": NP_("period", "fiscal year"),
        "window": NP_("period", "window"),
        "per_day": NP_("period", "per day"),
        "per_week": NP_("period", "per week"),
        "point_in_time": NP_("period", "at a point in time"),
        "unspecified": NP_("period", "period unspecified"),
    },
    "category": {
        "pornography": NP_("category", "pornography"),
        "blasphemy": NP_("category", "blasphemy"),
        "anti_state": NP_("category", "anti-state"),
        "child_abuse": NP_("category", "child abuse"),
        "contempt_of_court": NP_("category", "contempt of court"),
        "sectarian_hate": NP_("category", "sectarian hate"),
        "defamation": NP_("category", "defamation"),
        "proxy": NP_("category", "proxy"),
        "misc": NP_("category", "miscellaneous"),
        "proxy_and_misc": NP_("category", "proxy and miscellaneous"),
        "total": NP_("category", "all categories"),
        "not_applicable": NP_("category", "not applicable"),
        "unmapped": NP_("category", "category not mapped"),
    },
    "venue": {
        "annual_report": NP_("venue", "annual report"),
        "court_filing": NP_("venue", "court filing"),
        "interview": NP_("venue", "interview"),
        "na_committee": NP_("venue", "National Assembly committee"),
        "na_session": NP_("venue", "National Assembly session"),
        "news_report": NP_("venue", "news report"),
        "official_document": NP_("venue", "official document"),
        "official_letter": NP_("venue", "official letter"),
        "press_conference": NP_("venue", "press conference"),
        "press_statement": NP_("venue", "press statement"),
        "senate_committee": NP_("venue", "senate committee"),
        "social_media": NP_("venue", "social media"),
    },
    "metric": {
        "access_attempts_blocked": NP_("metric", "access attempts blocked"),
        "block_rate": NP_("metric", "block rate"),
        "block_requests_rejected": NP_("metric", "block requests rejected"),
        "channels_blocked": NP_("metric", "channels blocked"),
        "companies_registered": NP_("metric", "companies registered"),
        "complaints_received_per_day": NP_("metric", "complaints received per day"),
        "freelancers_registered": NP_("metric", "freelancers registered"),
        "items_blocked": NP_("metric", "items blocked"),
        "items_identified": NP_("metric", "items identified"),
        "items_processed": NP_("metric", "items processed"),
        "items_removed": NP_("metric", "items removed"),
        "items_still_accessible": NP_("metric", "items still accessible"),
        "people_accessing": NP_("metric", "people accessing"),
        "people_attempting_access": NP_("metric", "people attempting access"),
        "users_change_pct": NP_("metric", "users change pct"),
        "vpn_providers_licensed": NP_("metric", "vpn providers licensed"),
        "vpns_registered": NP_("metric", "vpns registered"),
        "vpns_registered_per_day": NP_("metric", "vpns registered per day"),
    },
    "scope": {
        "all_content": NP_("scope", "all content"),
        "international_gateway": NP_("scope", "international gateway"),
        "social_media": NP_("scope", "social media"),
        "not_applicable": NP_("scope", "not applicable"),
    },
    "qualifier": {
        "over": NP_("qualifier", "over"),
        "about": NP_("qualifier", "about"),
        "at_least": NP_("qualifier", "at least"),
        "under": NP_("qualifier", "under"),
        "up_to": NP_("qualifier", "up to"),
    },
    "confidence": {
        "high": NP_("confidence", "high"),
        "medium": NP_("confidence", "medium"),
        "low": NP_("confidence", "low"),
    },
    # the ledger fields a finding names ("with changing meaning (unit, period and metric)")
    "field": {
        "unit": NP_("field", "unit"),
        "period": NP_("field", "period"),
        "metric": NP_("field", "metric"),
        "category": NP_("field", "category"),
        "scope": NP_("field", "scope"),
        "verb": NP_("field", "verb"),
        "categories": NP_("field", "categories"),
    },
    # how strong the evidence was, as a finding names it (audit.strength_words)
    "strength": {
        "direct_measurement": NP_("strength", "direct measurement"),
        "third_party_observation": NP_("strength", "third-party observation"),
        "media_report": NP_("strength", "media reports"),
        "claims_ledger": NP_("strength", "official figures only"),
        "none": NP_("strength", "nothing decisive"),
    },
    # evidence sources (datasets and third-party files) in words
    # sources that are not a rule's evidence source; the rules' own (claimaudit.audit.EVIDENCE_SOURCES)
    # bring their words with them and join this table through register() when the audit is imported
    "source": {
        "datasets/claims": NP_("source", "claims ledger"),
        "datasets/claims/sources": NP_("source", "the outlets' reports of each statement"),
        "datasets/baselines": NP_("source", "subscriber and user counts"),
        "ioda/signals": NP_("source", "IODA internet outage signals"),
    },
    # baselines a figure is set against
    "baseline": {
        "broadband_subscribers": NP_("baseline", "broadband subscriptions"),
        "mobile_broadband_subscribers": NP_("baseline", "mobile broadband subscriptions"),
        "fixed_broadband_subscribers": NP_("baseline", "fixed broadband subscriptions"),
        "internet_users": NP_("baseline", "internet users"),
        "cellular_subscribers": NP_("baseline", "cellular subscriptions"),
    },
    # words the audit puts in a finding's slots
    "word": {
        "undated": NP_("word", "undated"),
        "none": NP_("word", "none"),
    },
}

#: Finding slots whose values are vocabulary (the rest are figures, dates, names, ids, quotes).
SLOT_KINDS: dict[str, str] = {
    "unit": "unit",
    "smaller": "verb",
    "larger": "verb",
    "what": "field",
    "changed": "field",
    "strength": "strength",
    "sources": "source",
    "date": "word",
}

_BY_WORDS: dict[str, tuple[str, str]] = {}
for _kind, _entries in VALUES.items():
    for _english in _entries.values():
        _BY_WORDS.setdefault(_english, (_kind, _english))


def register(kind: str, entries: dict[str, str]) -> None:
    """Add vocabulary defined elsewhere (``{key: English words}``, the words marked with ``NP_(kind,
    ...)`` where they are defined, so the extractor finds them): the rules' evidence sources keep
    their words in their registry entry (``claimaudit.audit.EVIDENCE_SOURCES``)."""
    VALUES.setdefault(kind, {}).update(entries)
    for english in entries.values():
        _BY_WORDS.setdefault(english, (kind, english))


def lookup(kind: str | None, value: str) -> tuple[str, str] | None:
    """``(context, English words)`` for ``value`` (a key, or already its English words) of ``kind``;
    with ``kind`` None, the first kind that has ``value`` as a key, else as its English words."""
    if kind is not None:
        entries = VALUES.get(kind, {})
        english = entries.get(value)
        if english is None and value in entries.values():
            english = value
        return (kind, english) if english is not None else None
    for k, entries in VALUES.items():
        if value in entries:
            return (k, entries[value])
    return _BY_WORDS.get(value)
