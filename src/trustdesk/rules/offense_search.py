"""Ranked offense search the way officers type: sections, words, abbreviations, DOC lines."""

from __future__ import annotations

import heapq
import math
import re
import weakref
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from trustdesk.rules.catalog import OffenseCatalog, OffenseEntry
from trustdesk.rules.doc_codes import DOC_CODES, DocCode, split_doc_code
from trustdesk.rules.offense_terms import WEAK, canonical_tokens, deletions, skeleton

__all__ = ["DOC_CODES", "OffenseIndex", "SearchResult", "search", "split_doc_code"]


_SECTION_IN_TEXT = re.compile(
    r"(?<![a-z0-9])(?:(\d{1,3}[a-z]{0,2})\s?[-–]\s?(\d{1,4}[a-z]{0,3})"
    r"|(\d{1,3}[a-z]{1,2})(\d{1,4}[a-z]{0,3}))((?:\([0-9a-z]{1,4}\))*)(?![a-z0-9])"
)
# A section number alone, with no code named before or after it.
_BARE_NUMBER = re.compile(r"§?\s*\d[\d.]*[a-z]{0,2}(?:\([0-9a-z]{1,4}\))*")
_SECTION_WORDS = frozenset({"sec", "section", "cgs", "c", "g", "s", "gs"})
# In a catalog of several codes: a number with an optional code spelling before or after.
_CODED_IN_TEXT = re.compile(
    r"(?<![a-z0-9.])(?:([a-z&.]{1,8})\s?)?(?:§\s?)?(\d{1,6}(?:\.\d{1,3})?[a-z]{0,2})"
    r"((?:\([0-9a-z]{1,4}\))*)(?:\s?([a-z&.]{1,8}))?(?![a-z0-9])"
)

# Scoring knobs, tuned on the catalog's own aliases, never on particular queries.
_EXACT, _PREFIX, _REVERSE_PREFIX, _TYPO, _SKELETON = 1.0, 0.9, 0.85, 0.75, 0.7
_QUERY_WEIGHT, _DOC_WEIGHT, _SAME_WORDS_BONUS = 0.6, 0.4, 0.15
# Reported scores are scaled so that a word-for-word match of a title or alias is 1.0.
_FULL_MATCH = _QUERY_WEIGHT + _DOC_WEIGHT + _SAME_WORDS_BONUS
# A section number written in the text is strong evidence on its own.
_SECTION_MENTION = 0.5 * _FULL_MATCH
_CODE_FITS, _CODE_LEVEL_ONLY, _CODE_MISFITS = 0.08, 0.02, -0.08
_MIN_SCORE = 0.35
_UNKNOWN_WORD_FLOOR = 0.6
_RARE_IDF = 4.0
_STRONG = 0.6
_CANDIDATE_CAP = 20000
_COMMON_FLOOR = 2000
_MAX_EXPANSIONS = 40


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One ranked match; hints are set only when a DOC code narrows this entry."""

    entry: OffenseEntry
    score: float
    matched_by: str
    class_hint: str | None = None
    level_hint: str | None = None
    matched_text: str = ""


class _Doc:
    """One searchable name (title or alias) of an entry; internal, so a plain slotted class."""

    __slots__ = ("entry", "kind", "text", "tokens", "total")

    def __init__(
        self, entry: int, text: str, kind: str, tokens: frozenset[str], total: float
    ) -> None:
        self.entry = entry
        self.text = text
        self.kind = kind
        self.tokens = tokens
        self.total = total


class OffenseIndex:
    """Inverted index over titles and aliases, built once per catalog."""

    def __init__(self, catalog: OffenseCatalog) -> None:
        self.catalog = catalog
        self.entries = catalog.entries
        docs: list[_Doc] = []
        doc_tokens: list[frozenset[str]] = []
        entry_df: dict[str, int] = {}
        for number, entry in enumerate(self.entries):
            seen: set[str] = set()
            for kind, text in (("title", entry.title), *(("alias", a) for a in entry.aliases)):
                tokens = frozenset(canonical_tokens(text))
                if not tokens:
                    continue
                doc_tokens.append(tokens)
                docs.append(_Doc(number, text, kind, tokens, 0.0))
                seen |= tokens
            for token in seen:
                entry_df[token] = entry_df.get(token, 0) + 1
        total = max(len(self.entries), 1)
        self.idf = {t: math.log(1.0 + total / df) for t, df in entry_df.items()}
        for doc in docs:
            doc.total = sum(self._weight(t) for t in doc.tokens)
        self.docs = docs
        self.postings: dict[str, list[int]] = {}
        for number, tokens in enumerate(doc_tokens):
            for token in tokens:
                self.postings.setdefault(token, []).append(number)
        # Common words first, so capped prefix expansions keep the likeliest meanings.
        self.vocabulary = sorted(self.idf, key=lambda t: (self.idf[t], t))
        self.prefixes: dict[str, list[str]] = {}
        for token in self.vocabulary:
            for end in range(3, len(token)):
                self.prefixes.setdefault(token[:end], []).append(token)
        self._typo_maps: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None
        self.sections = sorted((e.section, i) for i, e in enumerate(self.entries))
        self.section_keys = [s for s, _ in self.sections]
        self.by_section = {e.section: i for i, e in enumerate(self.entries)}
        self.max_idf = max(self.idf.values(), default=1.0)

    def _typos(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Deletion and consonant-skeleton maps, built on the first word that needs them."""
        if self._typo_maps is None:
            deletes: dict[str, list[str]] = {}
            skeletons: dict[str, list[str]] = {}
            for token in self.vocabulary:
                if len(token) >= 5 and token.isalpha():
                    for variant in deletions(token):
                        deletes.setdefault(variant, []).append(token)
                shape = skeleton(token)
                if len(shape) >= 3:
                    for variant in (shape, *(deletions(shape) if len(shape) >= 4 else ())):
                        skeletons.setdefault(variant, []).append(token)
            self._typo_maps = (deletes, skeletons)
        return self._typo_maps

    def _weight(self, token: str) -> float:
        weight = self.idf.get(token, 0.0)
        return weight * 0.4 if token in WEAK else weight

    # -- query side ---------------------------------------------------------------

    def _matches(self, token: str, last: bool) -> dict[str, float]:
        found: dict[str, float] = {}
        if token in self.idf:
            found[token] = _EXACT
        if len(token) >= 3 and (not found or last):
            for candidate in self.prefixes.get(token, ())[:_MAX_EXPANSIONS]:
                found.setdefault(candidate, _PREFIX)
        if not found and len(token) >= 6 and token.isalpha():
            for cut in range(len(token) - 1, len(token) - 4, -1):
                if token[:cut] in self.idf and cut >= 5:
                    found.setdefault(token[:cut], _REVERSE_PREFIX)
        if not found and len(token) >= 5 and token.isalpha():
            deletes = self._typos()[0]
            for variant in (token, *deletions(token)):
                for candidate in deletes.get(variant, ()):
                    found.setdefault(candidate, _TYPO)
                if variant in self.idf:
                    found.setdefault(variant, _TYPO)
        if not found and len(token) >= 3 and token.isalpha():
            shape = skeleton(token)
            if len(shape) >= 3:
                skeletons = self._typos()[1]
                for variant in (shape, *(deletions(shape) if len(shape) >= 5 else ())):
                    for candidate in skeletons.get(variant, ())[:_MAX_EXPANSIONS]:
                        found.setdefault(candidate, _SKELETON)
        return found

    def _coded_hits(self, lowered: str) -> tuple[list[int], str]:
        """``_section_hits`` for a catalog of several codes (``pc-187``, ``vc-23153``)."""
        normalize = self.catalog.syntax.normalize
        hits: list[int] = []
        spans: list[tuple[int, int]] = []
        for match in _CODED_IN_TEXT.finditer(lowered):
            before, number, _rest, after = match.groups()
            found = None
            for code_word, start, end in (
                (before, match.start(), match.start(2) + len(number)),
                (after, match.start(2), match.end()),
                (None, match.start(2), match.start(2) + len(number)),
            ):
                canonical = normalize(f"{code_word or ''} {number}")
                entry = None if canonical is None else self.by_section.get(canonical)
                if entry is not None:
                    found = (entry, start, end)
                    break
            if found is None:
                # A bare number that is no section of the default code ("11350" typed
                # without "HS") may be one of another code: offer each code's section.
                others = self._in_any_code(number)
                if others:
                    for entry in others:
                        if entry not in hits:
                            hits.append(entry)
                    spans.append((match.start(2), match.start(2) + len(number)))
                continue
            if found[0] not in hits:
                hits.append(found[0])
            spans.append((found[1], found[2]))
        remainder = lowered
        for start, end in reversed(spans):
            remainder = remainder[:start] + " " + remainder[end:]
        return hits, remainder

    def _in_any_code(self, number: str) -> list[int]:
        """The entries whose section is ``number`` in any of the catalog's codes."""
        normalize = self.catalog.syntax.normalize
        found: list[int] = []
        for code in self.catalog.syntax.codes:
            canonical = normalize(f"{code} {number}")
            entry = None if canonical is None else self.by_section.get(canonical)
            if entry is not None:
                found.append(entry)
        return found

    def _section_hits(self, text: str) -> tuple[list[int], str]:
        """Entries named by section numbers inside ``text``, and the text without them."""
        hits: list[int] = []
        lowered = text.lower()
        if self.catalog.syntax.coded:
            return self._coded_hits(lowered)
        normalize_section = self.catalog.syntax.normalize
        for match in _SECTION_IN_TEXT.finditer(lowered):
            title = match.group(1) or match.group(3)
            number = match.group(2) or match.group(4)
            canonical = normalize_section(f"{title}-{number}")
            if canonical is None:
                continue
            entry = self.by_section.get(canonical)
            if entry is None:
                # "53A101A(2)" is 53a-101(a)(2): a trailing letter may be a subsection.
                trimmed = re.sub(r"[a-z]+$", "", canonical)
                entry = self.by_section.get(trimmed)
            if entry is not None and entry not in hits:
                hits.append(entry)
        return hits, _SECTION_IN_TEXT.sub(" ", lowered)

    def _section_only(self, text: str, limit: int) -> list[SearchResult] | None:
        syntax = self.catalog.syntax
        canonical = syntax.normalize(text)
        if canonical is None:
            return None
        results = self._section_matches(canonical, limit)
        if not results and syntax.coded and _BARE_NUMBER.fullmatch(text.strip().lower()):
            # A number typed without its code ("11350") that the default code lacks may
            # be a section of another code (Health and Safety, Vehicle…): offer those.
            for code in syntax.codes:
                other = syntax.normalize(f"{code} {text}")
                if other is not None and other != canonical:
                    results.extend(self._section_matches(other, limit - len(results)))
        return results[:limit]

    def _section_matches(self, canonical: str, limit: int) -> list[SearchResult]:
        """The entry whose section is ``canonical`` and those beginning with it."""
        results: list[SearchResult] = []
        if limit < 1:
            return results
        exact = self.by_section.get(canonical)
        if exact is not None:
            results.append(
                SearchResult(self.entries[exact], 1.0, "section", matched_text=canonical)
            )
        # Sections that begin with what was typed, for officers still typing the number.
        start = bisect_left(self.section_keys, canonical)
        rank = 0
        for key, number in self.sections[start:]:
            if len(results) >= limit or not key.startswith(canonical):
                break
            if number != exact:
                rank += 1
                score = max(0.5 - 0.001 * rank, 0.4)
                results.append(
                    SearchResult(self.entries[number], score, "section", matched_text=key)
                )
        return results[:limit]

    def search(self, text: str, limit: int = 10, as_of: date | None = None) -> list[SearchResult]:
        """Up to ``limit`` entries matching ``text``, best first (see module ``search``)."""
        # A last word not followed by a space may still be being typed: match it as a prefix.
        ends_mid_word = not text[-1:].isspace()
        text = text.strip()
        if not text or limit < 1:
            return []
        body, code = split_doc_code(text)
        section_only = self._section_only(body, limit)
        if section_only is not None:
            return [_with_code(r, code, as_of) for r in section_only]
        mentioned, remainder = self._section_hits(body)
        words = [t for t in canonical_tokens(remainder) if t not in _SECTION_WORDS]
        query = list(dict.fromkeys(words))
        scored = self._score_words(query, ends_mid_word=ends_mid_word)
        for number in mentioned:
            score, kind, matched = scored.get(
                number, (0.0, "section", self.entries[number].section)
            )
            scored[number] = (score + _SECTION_MENTION if query else _FULL_MATCH, kind, matched)
        # The guards below judge the words alone: a DOC code that fits must not rescue a
        # hit that only shares a word with the line.
        text_score = {number: item[0] for number, item in scored.items()}
        if code is not None:
            # Only the leaders can change places, so only they need the code check.
            leaders = heapq.nlargest(max(limit * 5, 50), scored.items(), key=lambda kv: kv[1][0])
            for number, (score, kind, matched) in leaders:
                scored[number] = (
                    score + _code_adjustment(self.entries[number], code, as_of),
                    kind,
                    matched,
                )
        # A word the catalog does not know at all (not even misspelt) usually names the
        # offense itself ("THEFT OF POULTRY"): then only a strong match on the rest may
        # stand, never one that merely shares a common word.
        floor = _MIN_SCORE
        if not mentioned and any(self._unknown_word(word) for word in query):
            floor = _UNKNOWN_WORD_FLOOR
        kept = (
            kv
            for kv in scored.items()
            if kv[1][0] >= _MIN_SCORE * _FULL_MATCH and text_score[kv[0]] >= floor * _FULL_MATCH
        )
        rarest = None if mentioned else self._rarest(query)
        if rarest is not None:
            # The query's most distinctive word must be in the name that matched: a hit that
            # only shares the common words is another offense.
            kept = (
                kv
                for kv in kept
                if text_score[kv[0]] >= _STRONG * _FULL_MATCH
                or rarest & frozenset(canonical_tokens(kv[1][2]))
            )
        ranked = heapq.nlargest(limit, kept, key=_rank_key)
        return [
            _with_code(
                SearchResult(
                    self.entries[n], round(min(s / _FULL_MATCH, 1.0), 4), kind, matched_text=m
                ),
                code,
                as_of,
            )
            for n, (s, kind, m) in ranked
        ]

    def _unknown_word(self, word: str) -> bool:
        """A plain word with no exact, prefix or misspelt match (a shortened one is a guess)."""
        return (
            len(word) >= 4
            and word.isalpha()
            and word not in WEAK
            and max(self._matches(word, last=False).values(), default=0.0) <= _SKELETON
        )

    def _rarest(self, query: Sequence[str]) -> frozenset[str] | None:
        """What the query's rarest well-matched word may be in a name, when it is rare."""
        best: tuple[float, frozenset[str]] | None = None
        for word in query:
            matches = {t for t, c in self._matches(word, last=False).items() if c >= _PREFIX}
            if not matches or word in WEAK:
                continue
            weight = max(self.idf[t] for t in matches)
            if best is None or weight > best[0]:
                best = (weight, frozenset(matches))
        # Only a word found in a handful of sections names the offense by itself.
        if best is None or best[0] < _RARE_IDF:
            return None
        return best[1]

    def _score_words(
        self, query: Sequence[str], *, ends_mid_word: bool
    ) -> dict[int, tuple[float, str, str]]:
        """Per entry: best (score, matched_by, matched text) over its title and aliases."""
        if not query:
            return {}
        plans: list[tuple[float, dict[str, float]]] = []
        total_weight = 0.0
        for position, token in enumerate(query):
            matches = self._matches(token, last=ends_mid_word and position == len(query) - 1)
            best = max(matches.values(), default=0.0)
            weight = (
                max(self.idf[t] for t, c in matches.items() if c == best)
                if matches
                else self.max_idf
            )
            if token in WEAK:
                weight *= 0.4
            total_weight += weight
            if matches:
                plans.append((weight, matches))
        if not plans:
            return {}
        query_gain, doc_gain = self._gains(plans)
        query_set = frozenset(query)
        per_entry: dict[int, tuple[float, str, str]] = {}
        for doc_number, gain in query_gain.items():
            doc = self.docs[doc_number]
            score = _QUERY_WEIGHT * gain / total_weight
            if doc.total > 0:
                score += _DOC_WEIGHT * doc_gain[doc_number] / doc.total
            if doc.tokens == query_set:
                score += _SAME_WORDS_BONUS
            current = per_entry.get(doc.entry)
            if current is None or score > current[0]:
                per_entry[doc.entry] = (score, doc.kind, doc.text)
        return per_entry

    def _gains(
        self, plans: list[tuple[float, dict[str, float]]]
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Query-side and document-side credit per candidate document."""
        sized = sorted(
            ((sum(len(self.postings[t]) for t in m), w, m) for w, m in plans), key=lambda p: p[0]
        )
        # Rare words name the offense, so their documents are the candidates; words that
        # occur everywhere ("degree", "first") only add credit to those candidates.
        common = max(_COMMON_FLOOR, len(self.docs) // 20)
        seeds = [plan for plan in sized if plan[0] <= common] or sized[:1]
        candidates: dict[int, None] = {}
        for _, _, matches in seeds:
            for token in matches:
                candidates.update(dict.fromkeys(self.postings[token]))
        if len(candidates) > _CANDIDATE_CAP:
            # Only very vague queries get here; keep catalog order so results stay stable.
            candidates = dict.fromkeys(sorted(candidates)[:_CANDIDATE_CAP])
        query_gain = dict.fromkeys(candidates, 0.0)
        doc_gain = dict.fromkeys(candidates, 0.0)
        docs = self.docs
        for size, weight, matches in sized:
            weighted = [(t, c, self._weight(t)) for t, c in matches.items()]
            weighted.sort(key=lambda item: -item[1])
            best: dict[int, tuple[float, float]] = {}
            if size <= len(candidates):
                for token, credit, token_weight in weighted:
                    for doc in self.postings[token]:
                        if doc in candidates and doc not in best:
                            best[doc] = (credit, token_weight)
            else:
                # Cheaper to ask each candidate than to walk a very long postings list.
                for doc in candidates:
                    tokens = docs[doc].tokens
                    for token, credit, token_weight in weighted:
                        if token in tokens:
                            best[doc] = (credit, token_weight)
                            break
            for doc, (credit, token_weight) in best.items():
                query_gain[doc] += credit * weight
                doc_gain[doc] += credit * token_weight
        return query_gain, doc_gain


def _rank_key(item: tuple[int, tuple[float, str, str]]) -> tuple[float, int]:
    number, (score, _, _) = item
    # Equal scores keep catalog order, so results are stable run to run.
    return (round(score, 6), -number)


def _code_fits(entry: OffenseEntry, code: DocCode, as_of: date | None) -> bool:
    """Whether a DOC code fits the section in the line's era (any era when it is unknown).

    The law the catalog records decides (today's classes and the earlier ones with their
    dates); DOC's own dated codes for the section count too, since a line reads as DOC
    coded it at the time.
    """
    if entry.doc_code_seen(code.code, as_of):
        return True
    if as_of is None:
        return entry.can_carry(code.level, code.klass)
    return entry.fits_on(code.level, code.klass, as_of) is not False


def _code_adjustment(entry: OffenseEntry, code: DocCode, as_of: date | None) -> float:
    if _code_fits(entry, code, as_of):
        return _CODE_FITS
    if entry.can_carry(code.level):
        return _CODE_LEVEL_ONLY
    return _CODE_MISFITS


def _with_code(result: SearchResult, code: DocCode | None, as_of: date | None) -> SearchResult:
    if code is None:
        return result
    entry = result.entry
    level_hint = code.level if entry.can_carry(code.level) else None
    class_hint = code.klass if _code_fits(entry, code, as_of) else None
    return SearchResult(
        entry, result.score, result.matched_by, class_hint, level_hint, result.matched_text
    )


_INDEXES: weakref.WeakKeyDictionary[OffenseCatalog, OffenseIndex] = weakref.WeakKeyDictionary()


def index_for(catalog: OffenseCatalog) -> OffenseIndex:
    """The search index of ``catalog``, built on first use and kept while it lives."""
    index = _INDEXES.get(catalog)
    if index is None:
        index = OffenseIndex(catalog)
        _INDEXES[catalog] = index
    return index


def search(
    catalog: OffenseCatalog, text: str, limit: int = 10, as_of: date | None = None
) -> list[SearchResult]:
    """Up to ``limit`` catalog entries matching ``text``, best first.

    ``as_of`` is the date of the record the line comes from, when known: a DOC class code
    then counts against the classes in force on that date.
    """
    return index_for(catalog).search(text, limit, as_of)
