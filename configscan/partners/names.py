"""Organisation names as vendors write them: normalisation, status tags, and the state inside the name.

Vendor directories use a short style ("Auburn WA PD", "Ada County ID SO", "OR - Josephine County SO",
"City of West Haven (UT)", "Sparks Police Department - NV") and mark status with tags ("[Federal]",
"[Inactive]", "(revoked MOU)", "DNU -"). The classifier must read through all of it, so parsing is done
once here and every later rule works on the cleaned text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from configscan.partners.states import NAME_CODES, STATE_NAME_ALTERNATION, STATE_NAMES

# Tag vocabulary: bracketed or parenthesised words a vendor uses for status or organisation type.
_TAG_WORDS: dict[str, str] = {
    "federal": "federal",
    "inactive": "inactive",
    "deactivated": "inactive",
    "turned off": "inactive",
    "disabled": "inactive",
    "revoked mou": "revoked",
    "revoked": "revoked",
    "test": "test",
    "demo": "test",
    "duplicate": "duplicate",
}
_BRACKETED = re.compile(r"[\[(]\s*([^\])]{1,40}?)\s*[\])]")
_RETIRED_PREFIX = re.compile(r"^\s*(?:DNU\d*|DONT\s+USE|DON'T\s+USE|DO\s+NOT\s+USE)\s*[-:–]?\s*", re.I)

# Words that follow the state code in the vendor's short style ("Auburn WA PD", "NM State Police").
_AFTER_CODE = (r"PD|SO|DA|DPS|P\.D\.|S\.O\.|Tribal|Police|Sheriff|Sheriff's|Sheriffs|Marshal|Marshals|"
               r"Marshal's|Fire|Parks|State|Department|Dept|Highway|Office|Field|Sector|Station|Division|"
               r"Public|Metro|Constable|District|University|College|School|Schools|Airport|Port")
_CODE_BEFORE_TYPE = re.compile(rf"(?<![A-Za-z])([A-Z]{{2}})\s+(?:{_AFTER_CODE})(?![A-Za-z])")
_CODE_PREFIX = re.compile(r"^\s*([A-Z]{2})\s*[-–:]\s+")
_CODE_PARENS = re.compile(r"\(\s*([A-Z]{2})\s*\)")
_CODE_SUFFIX = re.compile(r"(?:[-–,]\s*|\s)([A-Z]{2})\s*$")
# "<City> <ST> <XX>" where XX is a two-letter type abbreviation the vendor uses (PR, FD, DA...).
_CODE_BEFORE_LAST = re.compile(r"\s([A-Z]{2})\s+[A-Z]{2}\s*$")
_STATE_WORDS = (r"state|department|dept|bureau|office|division|highway|attorney|fusion|information|intelligence|"
                r"counter|law enforcement|dps|national guard|homeland|commission|criminal|threat|troopers|"
                r"capitol|fish|game|parks|wildlife|emergency")
_FULL_STATE = re.compile(rf"\b(?:state of\s+)?({STATE_NAME_ALTERNATION})\s+(?:{_STATE_WORDS})\b")
_STATE_OF = re.compile(rf"\bstate of\s+({STATE_NAME_ALTERNATION})\b")
_DOTTED = re.compile(r"\b((?:[A-Za-z]\.\s?){2,})")
_APOSTROPHES = re.compile(r"['’`]")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


_CODE_POSITIONS = (("prefix", _CODE_PREFIX), ("parenthesised", _CODE_PARENS),
                   ("before the agency type", _CODE_BEFORE_TYPE), ("before a type abbreviation", _CODE_BEFORE_LAST),
                   ("suffix", _CODE_SUFFIX))


@dataclass(frozen=True)
class ParsedName:
    """A vendor organisation name taken apart: what it says, its tags, and any state it names."""

    raw: str
    text: str  # the name without tags or retired-entry prefixes, original case
    norm: str  # lower-case, punctuation-free, abbreviations joined ("U.S." -> "us")
    tags: tuple[str, ...] = ()
    state: str | None = None  # state named inside the name (USPS code)
    state_how: str | None = None  # how it was found, for the reasons list
    extra_text: tuple[str, ...] = field(default=())  # bracketed words that were not tags ("FBI")


def normalise(text: str) -> str:
    """Lower-case ASCII, punctuation to spaces, dotted abbreviations joined ("U.S. Border" -> "us border")."""
    if not text.isascii():  # NFKD leaves ASCII as it is
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.replace("&", " and ")
    # Join dotted abbreviations before punctuation goes: U.S. -> US, P.D. -> PD.
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", "").replace(" ", "") + " ", text)
    text = _APOSTROPHES.sub("", text)
    text = _NON_ALNUM.sub(" ", text).lower()
    return " ".join(text.split())


def _strip_tags(raw: str) -> tuple[str, list[str], list[str]]:
    tags: list[str] = []
    extra: list[str] = []
    text = raw
    if _RETIRED_PREFIX.match(text):
        tags.append("retired")
        text = _RETIRED_PREFIX.sub("", text, count=1)

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        tag = _TAG_WORDS.get(normalise(inner))
        if tag:
            tags.append(tag)
            return " "
        extra.append(inner)
        return match.group(0)

    text = _BRACKETED.sub(replace, text)
    return " ".join(text.split()), tags, extra


def _code(candidate: str) -> str | None:
    return candidate if candidate in NAME_CODES else None


def state_in_name(text: str, norm: str | None = None) -> tuple[str | None, str | None]:
    """The state a name places the organisation in, and how it was found (None, None when it names none).

    Codes count only in the positions the vendor style puts them (prefix "OR - ", "(UT)", before PD/SO,
    trailing) and only in capitals, so "Oregon City" or the word "or" do not. ``norm`` is ``normalise(text)``
    when the caller already has it.
    """
    for how, pattern in _CODE_POSITIONS:
        for match in pattern.finditer(text):
            code = _code(match.group(1))
            if code:
                return code, f"state code {code} in the name ({how})"
    norm = normalise(text) if norm is None else norm
    named = _STATE_OF.search(norm) or _FULL_STATE.search(norm)
    if named is not None and not place_named(named.group(1)).search(norm):
        return STATE_NAMES[named.group(1)], f"state name {named.group(1).title()!r} in the name"
    return None, None


@cache
def place_named(word: str) -> re.Pattern[str]:
    """``<word> County`` / ``<word> City``: a state name used as a place name ("Ohio County", "Iowa City").

    Built once per word and kept (the words are the ~50 state names and codes), so a run over thousands of
    names does not recompile it per name or overflow ``re``'s own cache of compiled patterns."""
    return re.compile(rf"\b{word}\s+(?:county|city)\b")


def parse(raw: str) -> ParsedName:
    """Take a vendor organisation name apart once, for every rule that follows."""
    text, tags, extra = _strip_tags(raw.strip())
    norm = normalise(text)
    state, how = state_in_name(text, norm)
    return ParsedName(raw=raw, text=text, norm=norm, tags=tuple(dict.fromkeys(tags)),
                      state=state, state_how=how, extra_text=tuple(extra))
