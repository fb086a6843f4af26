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
        "platform:x": NP_("scope", "X"),
        "platform:twitter": NP_("scope", "Twitter"),
        "platform:youtube": NP_("scope", "YouTube"),
        "platform:tiktok": NP_("scope", "TikTok"),
        "platform:facebook": NP_("scope", "Facebook"),
        "platform:instagram": NP_("scope", "Instagram"),
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
        "statement_id": NP_("field", "statement"),
        "statement_date": NP_("field", "statement date"),
        "authority": NP_("field", "authority"),
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
    # what an official assertion says, in brief (the ledger's ``assertion`` keys; the claim's own
    # words are its ``wording``, shown as stated)
    "assertion": {
        "x_blocked": NP_("assertion", "X is blocked"),
        "x_not_blocked": NP_("assertion", "X is not blocked"),
        "x_not_blocked_by_government": NP_("assertion", "the government did not block X"),
        "x_block_lifted": NP_("assertion", "the block on X is lifted"),
        "vpns_not_blocked": NP_("assertion", "VPNs are not being blocked"),
        "vpns_not_banned": NP_("assertion", "VPNs will not be banned"),
        "vpns_restricted": NP_("assertion", "VPN use is restricted"),
        "vpns_to_be_restricted": NP_("assertion", "VPN use will be restricted"),
        "vpn_blocking_started": NP_("assertion", "blocking of unregistered VPNs has started"),
        "vpn_blocking_trial": NP_("assertion", "a trial of VPN blocking is under way"),
        "vpn_registration_deadline": NP_("assertion", "VPNs must be registered by a deadline"),
        "vpn_registration_portal": NP_("assertion", "VPNs can be registered through a portal"),
        "block_illegal_vpns": NP_("assertion", "illegal VPNs are to be blocked"),
        "outage_was_technical_glitch": NP_("assertion", "the outage was a technical glitch"),
        "slowdown_caused_by_vpn_use": NP_("assertion", "the slowdown was caused by VPN use"),
        "vpn_use_against_sharia": NP_("assertion", "VPN use is against Sharia"),
        "registered_vpns_permissible": NP_("assertion", "VPN use is not in itself un-Islamic"),
    },
    # events marked on charts (``datasets/events`` ``event_id``): a short label for the chart's key
    "event": {
        "2024-02-08-election-day-mobile-shutdown": NP_("event", "election-day mobile shutdown"),
        "2024-02-17-x-blocked": NP_("event", "X blocked"),
        "2024-07-14-muharram-mobile-suspensions": NP_("event", "mobile internet suspended for Muharram"),
        "2024-08-18-it-minister-blames-vpns": NP_("event", "IT minister blames VPNs"),
        "2024-09-09-pta-senate-vpns-registered": NP_("event", "PTA tells the Senate how many VPNs are registered"),
        "2024-09-10-pta-vpns-not-blocked": NP_("event", "PTA: VPNs not blocked"),
        "2024-11-23-whatsapp-media-disruption": NP_("event", "WhatsApp media disruption"),
        "2024-11-10-vpn-outage": NP_("event", "VPN outage"),
        "2024-11-11-pta-technical-glitch": NP_("event", "PTA: a technical glitch"),
        "2024-11-12-mora-letter-to-pta": NP_("event", "Religious Affairs ministry's letter to PTA"),
        "2024-11-13-pta-statement-blocked-content": NP_("event", "PTA statement on blocked content"),
        "2024-11-15-moi-letter-illegal-vpns": NP_("event", "Interior Ministry's letter on illegal VPNs"),
        "2024-11-18-pta-senate-25000-vpns": NP_("event", "PTA chairman before the Senate IT committee"),
        "2024-11-20-cii-typo-clarification": NP_("event", "CII chairman: a typing error"),
        "2024-11-20-bluesky-blocked": NP_("event", "Bluesky blocked"),
        "2024-11-23-pti-protest-shutdown": NP_("event", "shutdown around the PTI protest"),
        "2024-11-30-vpn-registration-deadline": NP_("event", "VPN registration deadline"),
        "2024-12-01-vpn-ban-dropped": NP_("event", "VPN ban dropped"),
        "2024-12-16-pta-annual-report-launch": NP_("event", "PTA annual report launch"),
    },
    # names: an authority, claimant or outlet that has an established name in another language (an
    # Urdu outlet's own Urdu name; docs/translating.md says where each was checked). A name not here
    # is shown as it is, isolated left to right inside right-to-left text (claimaudit.i18n.name_words).
    "authority": {
        "PTA": NP_("authority", "PTA"),
        "Govt": NP_("authority", "Govt"),
        "MoI": NP_("authority", "MoI"),
        "MoITT": NP_("authority", "MoITT"),
        "CII": NP_("authority", "CII"),
    },
    "claimant": {
        "PTA": NP_("claimant", "PTA"),
        "PTA Chairman": NP_("claimant", "PTA Chairman"),
        "PTA sources": NP_("claimant", "PTA sources"),
        "PTA Chairman Maj Gen (retd) Hafeezur Rehman": NP_("claimant", "PTA Chairman Maj Gen (retd) Hafeezur Rehman"),
        "PTA Chairman Maj Gen Hafeezur Rehman": NP_("claimant", "PTA Chairman Maj Gen Hafeezur Rehman"),
        "Caretaker Prime Minister Anwaarul Haq Kakar": NP_("claimant", "Caretaker Prime Minister Anwaarul Haq Kakar"),
        "Information Minister Attaullah Tarar": NP_("claimant", "Information Minister Attaullah Tarar"),
        "State Minister for IT Shaza Fatima Khawaja": NP_("claimant", "State Minister for IT Shaza Fatima Khawaja"),
    },
    "outlet": {
        "ARY News": NP_("outlet", "ARY News"),
        "Samaa TV": NP_("outlet", "Samaa TV"),
        "Samaa (Urdu)": NP_("outlet", "Samaa (Urdu)"),
        "Jang (Urdu)": NP_("outlet", "Jang (Urdu)"),
        "Dunya (Urdu)": NP_("outlet", "Dunya (Urdu)"),
        "Dunya News": NP_("outlet", "Dunya News"),
        "Daily Pakistan": NP_("outlet", "Daily Pakistan"),
        "Mashriq (Urdu)": NP_("outlet", "Mashriq (Urdu)"),
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

#: Finding and working slots that hold a name (shown in its established form in the language, else as
#: it is): slot name -> kind of name.
NAME_SLOTS: dict[str, str] = {"claimant": "claimant", "authority": "authority", "outlet": "outlet", "outlets": "outlet"}

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
