"""How records write offense words: abbreviations, stemming and clerks' shorthand.

Shared by the offense index (``offense_search``) for both the catalog's names and the
officer's query, so that both sides are reduced to the same canonical tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _pairs(table: str) -> dict[str, str]:
    """Parse ``short=long`` pairs; ``+`` joins a multi-word expansion."""
    pairs = (pair.split("=") for pair in table.split())
    return {short: long.replace("+", " ") for short, long in pairs}


# -- how records write words ------------------------------------------------------------
# General DOC/court shorthand, derived from how abbreviations are formed (ordinals,
# clipped words, dropped vowels, common symbols), not from particular record lines.
_ABBREVIATIONS = _pairs(
    """
    1st=first 2nd=second 3rd=third 4th=fourth 5th=fifth 6th=sixth deg=degree degr=degree
    dgr=degree crim=criminal crml=criminal viol=violation vio=violation asslt=assault
    aslt=assault agg=aggravated aggr=aggravated aggrav=aggravated
    aggavtd=aggravated aggrvtd=aggravated aggravtd=aggravated poss=possession
    pos=possession possn=possession posses=possession narc=narcotic narcs=narcotic w=with
    wo=without po=protective+order cpo=criminal+protective+order prot=protective ord=order
    interf=interfere intf=interfere influ=influence infl=influence liq=liquor alc=alcohol
    mv=motor+vehicle mtr=motor veh=vehicle vehcl=vehicle vehicl=vehicle vctm=victim
    vict=victim vic=victim sex=sexual inj=injury burg=burglary burgl=burglary larc=larceny
    cntrl=controlled contr=controlled ctrl=controlled subst=substance sub=substance
    subs=substance oper=operate op=operate opr=operate susp=suspended lic=license
    reg=registration att=attempt atmpt=attempt consp=conspiracy pist=pistol rvolv=revolver
    unauthzd=unauthorized unauth=unauthorized inst=institution cci=correctional+institution
    id=ident info=information il=illegal ill=illegal illeg=illegal flr=failure
    fail=failure fta=failure+appear coc=cocaine dui=operate+under+influence
    dwi=operate+under+influence oui=operate+under+influence intox=intoxicated
    psngr=passenger unsuperv=unsupervised publ=public pub=public hwy=highway
    propty=property prop=property bsd=based evidnc=evidence comm=commit off=offense
    juris=jurisdiction sent=sentence dischg=discharge disch=discharge cond=condition
    res=restraining restr=restraining st=standing civ=civil spouse=spousal
    manuf=manufacture mfg=manufacture yr=year yrs=year lrg=large cap=capacity mag=magazine
    obt=obtained af=after dept=department doc=department+correction
    atm=automated+teller+machine fel=felony misd=misdemeanor int=intent sell=sale
    selling=sale sold=sale sales=sale children=child juv=juvenile ofc=officer offcr=officer
    ofcr=officer emp=employee empl=employee tresp=trespass trsp=trespass misch=mischief
    mischf=mischief endang=endangerment reckl=reckless threat=threatening thrt=threatening
    threats=threatening esc=escape wpn=weapon ammo=ammunition dmg=damage
    csam=child+sexual+abuse+material marihuana=marijuana cannabis=marijuana
    vop=violation+probation rape=sexual+assault hom=homicide homi=homicide
    mansl=manslaughter govt=government gov=government amphet=amphetamine
    halluc=hallucinogen porn=pornography pornog=pornography pornograph=pornography
    """
)
_STOP = frozenset(
    re.findall(
        r"\w+",
        "of the a an to or and in on for by at as from into re its his her any other such"
        " than that is be upon while not no",
    )
)
WEAK = frozenset({"with", "without", "under", "over"})
_SYMBOLS = (
    (re.compile(r"\bw/o\b"), " without "),
    (re.compile(r"\bf/a\b"), " firearm "),
    (re.compile(r"\bm/v\b"), " mv "),
    (re.compile(r"\bw/"), " with "),
    (re.compile(r"<"), " under "),
    (re.compile(r">"), " over "),
    (re.compile(r"&"), " and "),
    (re.compile(r"(\d)\s*\+"), r"\1 or over "),
)
_WORD = re.compile(r"\d+(?:st|nd|rd|th)\b|[a-z]+|\d+")
_SUFFIXES = ("ings", "ing", "ions", "ion", "ment", "ence", "ance", "ed", "e")
_VOWELS = frozenset("aeiou")


def _stem(word: str) -> str:
    # A deliberately tiny stemmer: records mix "violation"/"violate"/"viol",
    # "possessing"/"possession"; both sides of the index go through the same cut.
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def canonical_tokens(text: str) -> list[str]:
    """Words of ``text`` in canonical form: expanded, stemmed, without filler words."""
    lowered = text.lower()
    if any(symbol in lowered for symbol in "/<>&+"):
        for pattern, replacement in _SYMBOLS:
            lowered = pattern.sub(replacement, lowered)
    tokens: list[str] = []
    for raw in _WORD.findall(lowered):
        tokens.extend(_canonical_word(raw))
    return tokens


@lru_cache(maxsize=8192)
def _canonical_word(raw: str) -> tuple[str, ...]:
    # Cached: titles and aliases repeat the same few hundred words thousands of times.
    expanded = _ABBREVIATIONS.get(raw, raw)
    return tuple(_stem(word) for word in expanded.split() if word not in _STOP)


def skeleton(word: str) -> str:
    """First letter plus consonants with repeats collapsed: how clerks shorten words."""
    if not word:
        return word
    letters = [word[0]] + [ch for ch in word[1:] if ch not in _VOWELS]
    collapsed = [letters[0]]
    for ch in letters[1:]:
        if ch != collapsed[-1]:
            collapsed.append(ch)
    return "".join(collapsed)


def deletions(word: str) -> Iterable[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
