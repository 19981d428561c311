"""Import spaCy without its command-line package, which psr-check never uses.

``import spacy`` runs ``from .cli.info import info``, and ``spacy.cli`` imports every spaCy
command with what they need (requests, httpx, weasel, the project and download tools): about
0.15 s of a 1.2 s cold ``psr-check lint``, a seventh of the wait a duty officer sees. While
spaCy's ``__init__`` runs, a stand-in ``spacy.cli.info`` module answers that one import; it is
taken out of ``sys.modules`` as soon as spaCy is loaded, so a later ``import spacy.cli`` (spaCy's
own commands, a test, a caller's code) loads the real package as usual, and ``spacy.info`` loads
the real ``info`` when first called. Nothing else of spaCy differs.

Skipped when spaCy is already imported, or when ``PSR_CHECK_FULL_SPACY_IMPORT`` is set (to rule
this out when tracking down a spaCy problem).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

OPT_OUT = "PSR_CHECK_FULL_SPACY_IMPORT"


def info(*args, **kwargs):
    """``spacy.info``, loading spaCy's command-line package only when it is asked for."""
    from spacy.cli.info import info as spacy_info

    return spacy_info(*args, **kwargs)


def import_spacy_without_cli() -> None:
    """Import spaCy with a stand-in for ``spacy.cli.info`` that is gone once spaCy is loaded."""
    if "spacy" in sys.modules or os.environ.get(OPT_OUT) or "spacy.cli" in sys.modules:
        return
    package, module = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
    module.info = info
    package.info = module
    stand_ins = {"spacy.cli": package, "spacy.cli.info": module}
    sys.modules.update(stand_ins)
    try:
        import spacy  # noqa: F401
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
