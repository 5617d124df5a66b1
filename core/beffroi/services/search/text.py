"""Words of a text as the search sees them: accents folded, French and English stems.

A word (a run of letters and digits; ``l'école`` is ``l`` and ``école``) becomes a
small set of *terms*: its French and English Snowball stems (PyStemmer), each taken of
the word as typed and of the word without accents, and folded (Unicode NFKD with the
combining marks dropped, ``œ`` → ``oe``, case folded). A query word matches a text word
when their term sets meet, so ``ecole`` finds "école", ``jardins`` finds "jardin",
``velos`` finds "vélo" and ``gardens`` finds "garden", whichever language the
organisation writes in. Words of one letter and common words (``le``, ``de``, ``the``,
``and``…) are left out. Everything here is pure and thread-safe (one stemmer pair per
thread: PyStemmer objects are not thread-safe).
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

from markupsafe import Markup, escape

WORD_RE = re.compile(r"\w+", re.UNICODE)
TAG_RE = re.compile(r"<[^>]+>")
#: Common French and English words that would match nearly every text.
STOP_WORDS = frozenset("""
a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme
mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi
ton tu un une vos votre vous c d j l m n s t y est sont ete etre avoir
an and are as at be but by for from has have if in into is it its no not of on or such that
the their then there these they this to was were will with or
""".split())
_SPECIAL_FOLDS = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss",
                                "ø": "o", "Ø": "o", "đ": "d", "ł": "l", "Ł": "l"})
_local = threading.local()


def _stemmers():
    pair = getattr(_local, "stemmers", None)
    if pair is None:
        import Stemmer
        pair = _local.stemmers = (Stemmer.Stemmer("french"), Stemmer.Stemmer("english"))
    return pair


def fold(text: str) -> str:
    """``text`` in lower case without accents: ``"Élève Œuvre"`` → ``"eleve oeuvre"``."""
    text = (text or "").translate(_SPECIAL_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def plain_text(html: str) -> str:
    """Text of an HTML fragment, tags removed and entities decoded, spaces collapsed:
    what a search index or an open-data cell holds of a sanitised body."""
    import html as html_module
    return " ".join(html_module.unescape(TAG_RE.sub(" ", html or "")).split())


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset:
    """The terms of one word (see the module docstring); empty for a common word or
    a single letter. Remembered: texts share most of their words."""
    lower = word.casefold()
    folded = fold(lower)
    if folded in STOP_WORDS or (len(folded) < 2 and not folded.isdigit()):
        return frozenset()
    if folded.isdigit():
        return frozenset((folded,))
    fr, en = _stemmers()
    return frozenset((fold(fr.stemWord(lower)), fold(en.stemWord(lower)),
                      fr.stemWord(folded), en.stemWord(folded)))


def text_terms(text: str) -> dict:
    """``{term: occurrences}`` of ``text``."""
    counts: dict = {}
    cache: dict = {}
    for match in WORD_RE.finditer(text or ""):
        word = match.group()
        terms = cache.get(word)
        if terms is None:
            terms = cache[word] = word_terms(word)
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return counts


def query_words(text: str) -> list:
    """The term sets of a query's words, in order, common words left out, duplicates
    removed: ``"les écoles"`` → ``[frozenset({"ecol", "ecole"})]``."""
    out = []
    for match in WORD_RE.finditer(text or ""):
        terms = word_terms(match.group())
        if terms and terms not in out:
            out.append(terms)
    return out


def search_words(text: str) -> str:
    """``text`` as a line of search terms (every term of every word), for a module's
    own hypatia text index (``IndexInfo(..., "text", lambda o: search_words(o.title))``)
    queried with ``search_query``, so its search folds accents and stems like
    ``/-/search`` does."""
    return " ".join(sorted(text_terms(text)))


def search_query(text: str) -> str:
    """A query of ``text`` for an index filled with ``search_words``: every word must
    match, through any of its terms (``"(ecol OR ecole) AND jardin"``); ``""`` when
    nothing is left once common words are removed (search nothing then)."""
    parts = []
    for terms in query_words(text):
        ordered = sorted(terms)
        parts.append(ordered[0] if len(ordered) == 1 else "(" + " OR ".join(ordered) + ")")
    return " AND ".join(parts)


def excerpt(text: str, wanted, width: int = 28, start_words: int = 6) -> Markup:
    """An escaped excerpt of ``text`` (about ``width`` words) around the first word
    whose terms meet ``wanted`` (a set of terms), matching words wrapped in ``<mark>``;
    the beginning of the text when no word matches. Safe to insert in a page."""
    text = text or ""
    matches = list(WORD_RE.finditer(text))
    hits = [i for i, m in enumerate(matches) if word_terms(m.group()) & wanted]
    if not matches:
        return Markup("")
    first = hits[0] if hits else 0
    lo = max(0, first - start_words)
    hi = min(len(matches), lo + width)
    begin = matches[lo].start() if lo else 0
    end = matches[hi - 1].end() if hi < len(matches) else len(text)
    return Markup(("… " if lo else "")) + highlight(text[begin:end], wanted) \
        + Markup(" …" if hi < len(matches) else "")


def highlight(text: str, wanted) -> Markup:
    """``text`` escaped, its words whose terms meet ``wanted`` wrapped in ``<mark>``."""
    out = []
    pos = 0
    for match in WORD_RE.finditer(text or ""):
        if word_terms(match.group()) & wanted:
            out.append(escape(text[pos:match.start()]))
            out.append(Markup("<mark>%s</mark>") % match.group())
            pos = match.end()
    out.append(escape((text or "")[pos:]))
    return Markup("").join(out)
