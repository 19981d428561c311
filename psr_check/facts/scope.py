"""Is this draft one the checks apply to? Youth reports and reports not in English are not."""

from __future__ import annotations

import re

from psr_check.models import ScopeNotice
from psr_check.pack.scope import ScopeFile


def scope_notices(text: str, scope: ScopeFile) -> list[ScopeNotice]:
    notices: list[ScopeNotice] = []
    if _is_youth(text, scope):
        notices.append(ScopeNotice(code="SCOPE-YOUTH", message=scope.youth.message))
    if _not_english(text, scope):
        notices.append(ScopeNotice(code="SCOPE-LANGUAGE", message=scope.not_english.message))
    return notices


def _is_youth(text: str, scope: ScopeFile) -> bool:
    header = text[: scope.youth.header_chars]
    lowered = header.lower()
    if any(re.search(rf"\b{re.escape(p.lower())}\b", lowered) for p in scope.youth.phrases):
        return True
    for pattern in scope.youth.age_patterns:
        match = re.search(pattern, header, flags=re.IGNORECASE)
        if match and int(match.group(1)) < scope.youth.adult_age:
            return True
    return False


def _not_english(text: str, scope: ScopeFile) -> bool:
    words = re.findall(r"[a-zâêîôûŵŷ']+", text.lower())
    if len(words) < scope.not_english.min_words:
        return False
    english = set(scope.not_english.english_words)
    other = set(scope.not_english.other_words)
    n_english = sum(w in english for w in words)
    n_other = sum(w in other for w in words)
    return n_other > scope.not_english.other_ratio * max(n_english, 1)
