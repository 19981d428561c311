"""Plain probation phrasings of DA situations, written from domain.md §3/§7 (not from the corpus).

Each probe names the DA codes that must fire; the rest of the family must stay silent.
"""

import pytest

PROBES = [
    ("Offence: criminal damage. Police were called by neighbours after hearing shouting at the "
     "address he shares with his girlfriend.", ["DA001"]),
    ("DA: 2 call-outs (2023, 2024) - verbal arguments, no arrests. Offence: theft.", []),
    ("PND check completed 03/03/2026: no information held. He assaulted his brother.", []),
    ("Police domestic abuse information requested; awaited.", ["DA003"]),
    ("The victim, his former partner, sustained a cut lip.", ["DA001"]),
    ("He has a previous conviction for battery against a previous partner (2017).", ["DA001"]),
    ("He was the victim of domestic abuse from his stepfather as a teenager.", []),
    ("He grew up witnessing domestic violence between his parents.", []),
    ("He punched a stranger outside a nightclub. His girlfriend was not involved.", []),
    ("He lives with his wife and two adult sons. Offence: drink driving.", []),
    ("DV history: none known.", ["DA002"]),
    ("Domestic abuse: nil known. Police DA check not requested.", ["DA002"]),
    ("There is no indication of domestic abuse in the relationship.", ["DA002"]),
    ("A non-molestation order was made against him in 2021 in favour of his ex-wife.", ["DA001"]),
    ("He was referred to MARAC in 2022.", ["DA001"]),
    ("Police DA call-out check: nil return (received 02/03/2026). He assaulted his partner.", []),
    ("He threatened his mother with a knife.", ["DA001"]),
    ("His sister was assaulted by her boyfriend last year.", []),
    ("DA checks: requested 09:30, not back.", ["DA003"]),
    ("Police DV check requested 01/05/2026 - nil trace returned 02/05/2026.", []),
]


@pytest.mark.parametrize("text,expected", PROBES, ids=[p[0][:40] for p in PROBES])
def test_da_probe(linter, text, expected):
    doc = linter.lint_text(text)
    got = sorted(f.code for f in doc.findings if f.family == "da-enquiry")
    assert got == sorted(expected), f"{text!r}: got {got}"
