"""What kind of answer a question asks for, and whether a sentence holds one.

Its uses, classic in sentence-level QA (TREC-era "expected answer
type" checks):

- a soft cue: among sentences that look equally close to the question, the
  one with a number for "combien", a name for "qui", a date for "quand" is
  more likely to answer it (`cue`, a small bonus in the sentence score);
- a hard gate for questions that name the exact kind of fact they want: an
  amount of money, a distance, the name of the holder of a role
  (`expected`, `fits`). If none of the best sentences holds such a fact that
  the question does not already contain, the passages talk about the topic
  without answering; the answerer abstains rather than quote a sentence that
  merely shares the question's words. Similarity alone cannot tell these
  apart: "the price Russia paid for the shells" is as close to a sentence
  about the shells as an answerable question is;
- a gate on the reader's span for the questions that say what kind of fact
  they want (a count, a sum, a sum paid, a share, a measure, a date, a day, a
  month, a year, a time, a frequency (not the weekday of one meeting), a city,
  a part of a country (no place of another), a country, a model, a port, base
  or building, a named body (neither of them the city it is in), a sort of
  thing, a thing (a system, a weapon: no alliance, ministry or place), a means
  of transport, what was done to find something out ("comment Kiev a-t-il
  appris…": not what was found), a person: `asked`, `span_fits`): "des
  ouvriers" does not answer "combien d'ouvriers", nor "un mois" or "mercredi"
  "à quelle date", nor "quelques semaines" "combien d'heures", nor a trip's
  "six jours" "combien de jours entre X et Y", nor "30 août" "quel jour de
  septembre", nor "Russie" "quelle agence de presse", nor an aid package "à
  combien s'élève le budget", nor "le président russe" "quelle responsable
  nord-coréenne", nor "La Maison Blanche" "par train ou par bateau", nor "le
  président Joe Biden" "which senator", nor "Maison Blanche" "which US
  official";
- a speaker check: the source of a quote ("…, a déclaré Kirby") answers only
  "who said it" (`only_speakers`), and an attribution ("d'après l'armée
  sud-coréenne") only a question asking the source (`only_source`), and
  the country that opens a sentence ("En Norvège, …") only "where"
  (`only_setting`);
- a figure check: the quoted passage holds the question's own figures of three
  digits or more ("152 mm", "2022": `names_numbers`), unless the question
  compares or joins two facts ("lequel est le plus élevé", "différent des
  obus de 152 mm");
- a complement check: whose role is asked ("le porte-parole du Pentagone",
  "du ministère japonais") must be named (`role_complement`,
  `names_complement`), and a counterpart holds the role of those it is the
  counterpart of (`presents_role`);
- a set-aside check: for "outre / besides X", a span that only repeats X
  gives way to the passage's next span (`sets_aside`, `echoes`);
- a representative check: "qui représente les Pays-Bas" is not answered by
  "le président ukrainien Volodymyr Zelensky" (`represents_another`);
- a start check: "depuis quand" is answered by what follows "depuis / since /
  à partir de / dès", not by "En juillet" dating an event (`no_start`);
- a choice check: "lequel des deux pays, la Chine ou l'Iran, …" is answered
  by one of the options, not by "Asie" (`not_an_option`);
- a purpose check: "qu'a offert Kim à Poutine" asks what, which a purpose
  ("pour discuter d'un accord") does not answer (`only_purpose`); "what
  does Russia hope to strengthen" is answered by what follows its verb
  (`purpose_object`);
- a described-country check: "le pays qui a envoyé du personnel en Crimée
  a aussi entraîné qui ?" is not answered by that country (`only_described`);
- a name check: "quel est le nom de la mer", "comment s'appelle le
  porte-parole" are answered by a name, which "eaux orientales" is not
  (`unnamed`).

Whether the passage or its sentence is about what the question asks (its
actor, its day, its reason…) is qa/passagecheck.py's to say.

Which words name a country, a world region or a city (CLDR names, demonyms,
time-zone cities) is qa/places.py's to say.

Patterns are French and English, written from general usage and checked on
PIAF's validation questions; docs/answers.md gives their effect on the
development sets and on a blind set.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from . import places, speakers
from .analyze import STOPWORDS, fold
from .analyze import words as _words

NUMBER_Q = re.compile(
    r"\b(combien|quel(le)?s? (calibre|montant|nombre|somme|quantit\w*|pourcentage|chiffre)|"
    r"how (many|much)|what (calibre|caliber|amount|number|sum|size|percentage))\b",
    re.I,
)
WHO_Q = re.compile(
    r"^\s*(qui|who|whom)\b|comment s.appelle|quel est le nom\b|what is the name\b|"
    r"\b(quel|which|what) (dirigeant|responsable|ministre|chercheur|official|"
    r"leader|minister|expert|general|général|président|president)",
    re.I,
)
WHEN_Q = re.compile(
    r"^\s*(quand|when)\b|\b(quels? (jour|mois)|quelle (date|année|annee)|(what|which) "
    r"(date|day|month|year)|day of the week)",
    re.I,
)
DATE_WORDS = re.compile(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|mai|"
    r"juin|juillet|août|septembre|octobre|novembre|décembre|\d{4}|hier|semaine|mois)\b",
    re.I,
)
# Quantities are often spelled out in news text ("un million d'obus").
NUMBER_WORDS = re.compile(
    r"\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|"
    r"quarante|cinquante|soixante|cent|cents|mille|millions?|milliards?|dizaines?|centaines?|"
    r"milliers?|two|three|four|five|ten|twelve|twenty|hundreds?|thousands?|billions?)\b",
    re.I,
)
# Two or more capitalised words, not at the start of a sentence or quote.
NAME = re.compile(r"(?<!^)(?<![.!?«“\"]\s)\b[A-ZÉÈ][a-zéèëïç]+(?:[ -][A-ZÉÈ][a-zéèëïç]+)+")


def cue(question: str, sent: str) -> float:
    """How many of the question's answer-type hints the sentence satisfies."""
    n = 0.0
    if NUMBER_Q.search(question) and NUMBER_WORDS.search(sent):
        n += 1.0
    if WHO_Q.search(question) and NAME.search(sent):
        n += 1.0
    if WHEN_Q.search(question) and DATE_WORDS.search(sent):
        n += 1.0
    return n


# --- the hard gate -----------------------------------------------------------

_GATES: list[tuple[str, re.Pattern]] = [
    (
        "money",
        re.compile(
            # not "acheter / buy": "combien d'obus a-t-elle achetés" asks for a count
            # "pa[yi]" but not "pays": "combien de pays" asks for a count
            # "quel est le montant total des réductions": money too (blind7, g48)
            r"\b(quel (prix|montant|co[uû]t)|quelle somme|"
            r"quel(le)? (est|[ée]tait|a [ée]t[ée]|avait [ée]t[ée]) (le |la )?"
            r"(prix|montant|co[uû]t|somme)|"
            r"combien .{0,40}\b"
            r"(pa(y[eéè]|i[eé])\w*|co[uû]t\w*|versée?s?\b|dépens\w*)|"
            r"how much .{0,40}\b(pa(y|id)|cost|spen[dt]|worth)\b|"
            r"what (price|amount of money)|"
            # "quelle valeur Biden cite-t-il entre la souveraineté et la liberté" asks a principle
            r"quelle (est la |etait la |était la )valeur|quelle valeur (totale|en|de|du|des|d['’])|"
            r"what (is|was) the (total )?(value|cost|price))",
            re.I,
        ),
    ),
    (
        "distance",
        re.compile(
            r"\b(quelle (est la )?(portée|distance)|à quelle distance|"
            r"what(.s| is| was)?( the)?( \w+)? (range|distance)|how far)\b",
            re.I,
        ),
    ),
    ("name", re.compile(r"\b(comment s.appelle|quel est le nom\b|what(.s| is) the name)", re.I)),
]
# "Comment s'appelle le ministre ...": the role whose holder is asked for.
_ROLE = re.compile(
    r"(comment s.appellen?t?|quel est le nom d(u|e|es)|what(.s| is) the name of)\s+"
    r"(l[ea]s?\s+|l['’]|the\s+)?(?P<role>[^\W\d_][\w-]+)",
    re.I,
)

# the nouns a question describes a person or a country by, folded: "le dirigeant
# qui a obtenu…" (qa/hops.py, `figures`), "le pays qui…" (`only_described`)
PERSON_NOUNS = (
    r"presidente?|dirigeante?|porte-parole|amiral|generale?|ministre|ambassadeur|ambassadrice|"
    r"responsable|experte?|chercheur|chercheuse|analyste|militaire|officier|chef|secretaire|"
    r"leader|spokes(?:man|person|woman)|admiral|minister|ambassador|"
    r"official|envoy|analyst|researcher|officer"
)
COUNTRY_NOUNS = r"pays|country|nation"

_CURRENCY = r"\$|€|£|dollars?|euros?|roubles?|rubles?|wons?|yuans?|livres? sterling|pounds?"
_MONEY = re.compile(
    rf"(\$|€|£)\s?\d|\d[\d\s,.]*\s?({_CURRENCY})\b|"
    r"\b(millions?|milliards?|billions?) (de )?(dollars|euros|roubles)|"
    r"\b(millions?|milliards?|billions?)\s?(\$|€|£)",
    re.I,
)
_DISTANCE = re.compile(
    r"\d[\d\s,.]*\s?(km|kilomètres?|kilometers?|kilometres?|miles?|mètres?|meters?|metres?)\b",
    re.I,
)


def expected(question: str) -> str:
    """The exact kind of fact the question asks for, or "" if it does not say."""
    if asks_if_told(question):
        return ""
    for kind, pattern in _GATES:
        if pattern.search(question):
            return kind
    return ""


def _new(found: list[str], question: str) -> bool:
    """Some match that the question does not already contain."""
    q = fold(question)
    return any(fold(m).strip() not in q for m in found)


def fits(kind: str, sent: str, question: str) -> bool:
    """Does `sent` hold a fact of that kind, beyond what the question says?"""
    if kind == "money":
        return bool(_MONEY.search(sent))
    if kind == "distance":
        return bool(_DISTANCE.search(sent))
    if kind == "name":
        names = [m for m in NAME.finditer(sent) if _new([m.group(0)], question)]
        role = _ROLE.search(question)
        if role and not _ANY_ROLE.search(fold(role.group("role"))):
            # the name of a thing ("le phénomène", "l'élément 119": "double
            # aveugle", "ununennium") need not be capitalised, but is given as
            # one ("s'appellent", « … »); "celui qui…" is someone, with no
            # role word to stand next to
            if _SOMEONE.match(fold(role.group("role"))):
                return bool(names)
            return bool(names or _NAMING.search(fold(sent)))
        if not role:
            return bool(names)
        # the name must stand next to the role it answers for ("le ministre de
        # la Défense Sergueï Choïgu", "John Kirby, porte-parole ..."): a name
        # elsewhere in the sentence belongs to someone else
        # the role's word in the sentence, whole ("porte-parole", "ministres"):
        # the window is counted from its end, not from the end of its stem
        stem = fold(role.group("role"))[:6]
        spots = [m.span() for m in re.finditer(re.escape(stem) + r"[\w-]*", fold(sent))]
        return any(
            0 <= m.start() - end <= ROLE_WINDOW  # "le ministre ... X Y"
            or 0 <= start - m.end() <= ROLE_WINDOW  # "X Y, ministre ..."
            for m in names
            for start, end in spots
        )
    return True


_SOMEONE = re.compile(r"(celui|celle|ceux|celles|personne|homme|femme|one|person|man|woman)$")
_NAMING = re.compile(
    r"\b(appel\w*|nomm\w*|denomm\w*|baptis\w*|surnomm\w*|intitul\w*|connue? sous|"
    r"called|named|known as|dubbed)\b|[«“\"]"
)

# Characters between the role word and the name: room for an apposition or a
# short complement ("porte-parole du Conseil de sécurité nationale, John Kirby").
ROLE_WINDOW = 40


# --- the span gate -------------------------------------------------------------
#
# The reader's span is its answer. A question that says which kind of fact it
# wants (a count, a date, a day, a month, a year, a time of day, a city, a
# country, a port or base, a model) is answered only by a span of that kind
# that the question does not already hold; a span of another kind ("des
# ouvriers" for "combien d'ouvriers", "un mois" for "à quelle date", a country
# for "dans quelle ville") means the reader found the topic, not the answer.
# Checked on PIAF's validation questions (Wikipedia, not news) before use:
# the kinds that turned away right spans there were dropped or widened
# (docs/answers.md).

# Question patterns, searched in the folded question (no accents, lower case).
# "quelle quantité / what quantity": a count, or a vague quantity (`_VAGUE_QUANTITY`)
_QUANTITY = r"quelles? quantites?|(what|which) quantit(y|ies)"
# "pour quelle durée": how long, as "combien de temps"
_HOW_LONG = r"(pour|pendant) quelle duree|for what (period|length of time)"
# a unit of an organisation, named ("le Commandement du théâtre oriental") or
# by its kind ("le programme de sécurité internationale"): `_names_unit`
# "quel programme du Wilson Center" is a body; "sur quels programmes la
# Russie pourrait-elle aider" asks for weapons programmes, which have no name
_UNIT_Q = (
    r"quel(le)?s? (?P<unit>comites?|programmes?(?= d)|unites?|commandements?|delegations?|"
    r"composantes?|ministeres?|departements?|sondages?|brigades?|regiments?|bataillons?)|"
    r"(what|which) (\w+ ){0,3}(?P<unit_en>committees?|programmes?|programs?|units?|commands?|"
    r"delegations?|ministr(y|ies)|departments?|polls?|surveys?|brigades?|regiments?|battalions?)"
)
# a body that is a news medium: "quelle agence de presse", "which news outlet"
_MEDIA_Q = re.compile(
    r"\b(agences? de presse|medias?|journa(l|ux)|chaines?|newspapers?|outlets?|broadcasters?|"
    r"news (agenc(y|ies)|organi[sz]ations?))\b"
)
# what names one: "Fox News Digital", "News18", "Reuters", "un reportage de
# CNN", an acronym ("PTI", "AP", "ATS") that is not an institution's
_MEDIA_WORD = re.compile(
    r"\b(news\w*|times|post|journal|press|presse|agence|agency|tv|tele|televisions?|radio|"
    r"digital|reuters|tass|ria|interfax|yonhap|kcna|bloomberg|reportage|guardian|monde|figaro|"
    r"liberation|herald|tribune|associated)\b"
)
_NOT_MEDIA = frozenset({"OTAN", "NATO", "ONU", "UN", "UE", "EU", "USA", "US", "URSS", "UK"})


def _asks_media(folded_question: str) -> bool:
    body = _KIND_Q["body"].search(folded_question)
    # the body and the words after it: "quelle agence" + "de presse"
    return bool(body and _MEDIA_Q.search(folded_question[body.start() : body.end() + 12]))


# an outlet named as the source of a report: "selon un reportage de CNN",
# "a rapporté l'agence Yonhap", "according to Reuters"
_REPORTED_BY = re.compile(
    r"\b(?:selon|d['’]apr[eè]s|rapport[ée]e? par|cit[ée]e? par|a rapport[ée]|according to|"
    r"reported by|told|quoted by) (?:un reportage d[ue] |un article d[ue] |l['’]agence |"
    r"le journal |la cha[iî]ne |le quotidien |the )?(?P<outlet>[A-Z][\w-]*(?: [A-Z][\w-]*){0,2})"
)


def outlets_in(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence names an outlet as its report's source (start, end)."""
    return [
        m.span("outlet") for m in _REPORTED_BY.finditer(sentence) if _media_name(m.group("outlet"))
    ]


def asks_media(question: str) -> bool:
    return _asks_media(fold(question))


def _media_name(span: str) -> bool:
    acronyms = set(re.findall(r"\b[A-Z]{2,5}\b", span)) - _NOT_MEDIA
    return bool(acronyms or _MEDIA_WORD.search(fold(span)))


_ASKED: list[tuple[str, re.Pattern]] = [
    ("time", re.compile(r"\b(a quelle heure|(at )?what time\b(?! of year)|time of day)")),
    # how often: "chaque mois", "mensuelle", "presque quotidiennement", not
    # the weekday of one meeting ("jeudi"). "À quel rythme avancent-elles"
    # asks a pace ("lentement"); only meetings' "rythme" is a frequency.
    (
        "frequency",
        re.compile(
            r"\b((a|avec) quelle frequence|how (often|frequently)|"
            r"a quel rythme ([\w'-]+ ){0,4}?(se |s')?(reuni\w*|tien\w*|rencontr\w*)|"
            r"(reuni\w*|tien\w*|rencontr\w*) ([\w'-]+ ){0,3}?a quel rythme)"
        ),
    ),
    ("day", re.compile(r"\b(quel jour|(what|which) day|day of the week)\b")),
    (
        "date",
        re.compile(
            r"\b(a quelles? dates?|quelles? dates?|quelle (est|etait) la date|"
            r"(what|which) (exact |calendar |precise |specific )?date|"
            r"de quand date)\b"
        ),
    ),
    ("month", re.compile(r"\b(quel mois|(what|which) month)\b")),
    # "le numéro de la résolution": a number, though not a count
    (
        "number",
        re.compile(
            r"\b(quel (est le )?numero|le numero d|(what|which) number\b(?! of)|niveau chiffre|"
            r"quel chiffre|(what|which) figure)"
        ),
    ),
    ("language", re.compile(r"\b(quelles? langues?|(what|which) languages?)\b")),
    # "pourquoi": a reason, not a name alone ("Milley")
    # "comment X décrit-il…": a description, not the speaker's name ("Rob Bauer")
    (
        "why",
        re.compile(
            r"^\W*(pourquoi|why)\b|\bpour quelle raison\b|\bfor what reason\b|"
            r"^\W*comment\b[^?]*\b(decri\w*|qualifi\w*)\b|^\W*how (does|did|do) [^?]*\bdescribes?\b"
        ),
    ),
    ("year", re.compile(r"\b(quelle annee|(what|which) year)\b")),
    # "quel calibre d'obus": a measure ("152 mm") is preferred to "artillerie"
    # (qa/answer.py `_typed` keeps the other picks when none is a measure)
    (
        "calibre",
        re.compile(
            r"\b(quels? calibres?|quel est le calibre|(what|which) (is the )?(calibre|caliber)s?)\b"
        ),
    ),
    # "jusqu'à quand … reste-t-elle ouverte ?": an end, not when it began
    ("until", re.compile(r"\b(jusqu'?a quand|until when|till when)\b")),
    # not "when asked whether…, how did X describe…": a clause, not the question's word
    (
        "when",
        re.compile(
            r"^\W*(quand|when)\b(?! (asked|questioned|pressed)\b)|[,;:]\s*(quand|when)\b|"
            r"^\W*a quand\b|"
            r"depuis quand|since when|\ba quel moment\b|\b(at|in) what (moment|point)\b(?! of\b)"
        ),
    ),
    # a physical quantity, answered by a figure ("une altitude de 600 km")
    (
        "measure",
        re.compile(
            r"\b(quelle (est la |etait la )?(altitude|hauteur|vitesse|profondeur|superficie|"
            r"longueur|capacite|portee|taille|masse|autonomie)|"
            r"quel (est le |etait le )?(poids|tonnage|diametre)|"
            r"(what|which) (is |was )?(the )?(\w+ )?"
            r"(altitude|height|speed|depth|range|payload|capacity|weight)|"
            r"(what|which) (is|was) (the |its )?(\w+ )?area|"
            r"how (high|fast|deep))\b"
        ),
    ),
    # a sum of money the question names ("à combien s'élève le budget", "quel
    # est le coût"): a figure, in a sentence that names that sum (`_PRICED`)
    (
        "sum",
        re.compile(
            r"\b(a combien s.elev\w*|"
            r"quel (est|etait|a ete|avait ete) (le |la )?(\w+ )?(cout|budget|montant)|"
            # "quelle somme X apporte-t-il à la ligne d'un milliard": not that milliard
            r"quel(le)?s? (montant|somme|budget|cout)s?\b|what (sum|amount)\b(?! of)|"
            r"quel (est|etait) le prix (unitaire|moyen|d.une?)|"
            r"what (is|was) the (\w+ )?(cost|budget|amount|price)|"
            r"how much (does|did|will|would) .* cost)\b"
        ),
    ),
    # a part of a whole ("quelle part des 325 millions"): a figure the question
    # does not give
    (
        "share",
        re.compile(
            r"\b(quelle ((est|etait) la )?(part|proportion|fraction)|"
            r"what (is |was )?(the )?(share|proportion|portion)|how much of|"
            r"quel (est le |etait le )?pourcentage|what (is |was )?(the )?percentage)\b"
        ),
    ),
    # a sum paid, earned or worth: "centaines" (of drones) is none
    (
        "paid",
        re.compile(
            r"\b(combien d.argent|how much money|how much (\w+ ){0,6}?(pay|paid|earn|earned|"
            r"receive|received|spend|spent|worth)|(what|how much) (was|were|is|are) .* worth)\b"
        ),
    ),
    (
        "count",
        re.compile(
            r"\b(combien|how many|how much|how long|how old|quel (est|etait) (le )?nombre|"
            r"what (is|was) the number|quel age|(quel|quelle) (est|etait) (la |le )?(population|"
            r"pourcentage|taux|age)|what (is|was) (the|its|their) (population|percentage|rate|age)|"
            rf"quel (pourcentage|taux)|what (percentage|rate)|{_QUANTITY}|{_HOW_LONG})\b"
        ),
    ),
    # how something travels or is done: by rail, "à cheval", "par fusion"; not
    # what for ("pour obtenir des munitions") nor a country ("la Corée du Nord")
    # how something was found out or got done: "comment Kiev a-t-il appris…",
    # "comment s'y est-elle prise pour…", "how did Ukraine verify…"; answered
    # by what was done ("en interceptant…", "avoir intercepté des appels"),
    # not by what was found ("des lourdes pertes")
    (
        "method",
        re.compile(
            r"\b(comment\b[^?]*\b(appris|su|decouvert|verifie\w*|s['’]y (prend\w*|pri(s|se|ses)|"
            r"(est|sont)[- ]\w+ pri(s|se|ses)))\b|par quel(le)?s? (moyens|voies|biais)\b"
            r"[^?]*\b(appri|su|decouvr|verifi|savoir|intercept|detect|obten|identif)\w*|"
            r"how (did|does|do|will|would|could|can)\b[^?]*\b(learn|verif|find out|found out|"
            r"discover|go about|manage)\w*)"
        ),
    ),
    (
        "means",
        re.compile(
            r"\b(par (quel|quelle) (moyen|voie|mode|biais)|"
            r"quel(le)? ([\w-]+ ou )?(moyen|mode) de transport|"
            r"by what (means|route)|(what|which) (means|mode) of transport|"
            r"comment ([\w-]+ ){0,4}(sont|est|ont ete|a ete)(-(ils|elles|il|elle))? "
            r"(transporte|achemine|expedie|livre|transmis)\w*|"
            r"how (are|is|were|was) ([\w-]+ ){0,5}?(transported|shipped|moved|delivered|sent)|"
            r"how (would|will|does|did|do|could|can|might) ([\w-]+ ){1,3}?"
            r"(ship|transport|move|deliver|send)|"
            r"comment ([\w-]+ ){1,3}?(achemin|transport|expedi|livr)\w*-(t-)?(il|elle|ils|elles))\b"
        ),
    ),
    (
        # a named place below a country: a city, a region, a site, a sector of
        # the front (not "quel lieu / what place": answered by "une grotte")
        "city",
        re.compile(
            r"\b(quelles? villes?|dans quelle localite|(what|which) (\w+ )?(city|cities|town)|"
            r"quel (site|secteur|front)|quelle (region|zone|province)|"
            r"(what|which) (\w+ )?(site|sector|region|province)s?)\b"
        ),
    ),
    # "dans quelles zones d'Ukraine", "in which parts of Ukraine": any words
    # ("l'est et le sud"), but no place of another country ("Pyongyang")
    (
        "part",
        re.compile(
            r"\b(quel(le)?s (parties|zones|regions) d|"
            r"(what|which) (parts?|areas?|regions?) of)\b"
        ),
    ),
    (
        "country",
        re.compile(
            r"\b(quels? (autres? )?pays|quelles? (autres? )?nations?|"
            r"(what|which) ((?!(do|does|did|has|have|had|is|are|was|were|will|would|can|could)\b)"
            r"[\w-]+ ){0,2}(countr(y|ies)|nations?)|"
            # the Alliance's members and governments are countries ("which
            # government post" is not)
            r"quels? (allies|gouvernements?)|(what|which) (allies|governments)|"
            # a member of the Alliance is a country ("which NATO member voted…")
            r"quels? (etats? |pays )?membres? de l['’](otan|alliance)|"
            r"(what|which) (nato|alliance) (members?|ally)|(what|which) members? of "
            r"(nato|the alliance))\b"
        ),
    ),
    # a named body: "Russie" does not answer "quelle agence de presse", nor
    # "téléphoniques" "quelle unité russe"
    (
        "body",
        re.compile(
            r"\b(quelles? (agences?|organisations?|entreprises?|societes?|institutions?|chaines?|"
            r"universites?)|quels? (journa(l|ux)|medias?|organismes?|fabricants?|constructeurs?|"
            r"groupes? (industriels?|de presse)|"
            r"services? (de renseignement|secrets?))|"
            r"(what|which) (\w+ ){0,4}(agency|agencies|organi[sz]ations?|compan(y|ies)|firms?|"
            r"newspapers?|outlets?|broadcasters?|universit(y|ies)|intelligence services?|"
            rf"manufacturers?|bod(y|ies))|{_UNIT_Q})\b"
        ),
    ),
    ("model", re.compile(r"\b(quels? modeles?|(what|which) (model|make)s?)\b")),
    # "quels types d'armes": a thing, which a list of countries is not
    (
        "sort",
        re.compile(
            r"\b(quel(le)?s? (types?|sortes?|genres?) d|(what|which) (kind|type|sort)s? of)"
        ),
    ),
    # "quel système de défense", "quels armements", "which weapons": a thing,
    # which an alliance, a ministry or a place is not
    (
        "thing",
        re.compile(
            r"\bquel(le)?s? (systemes?|equipements?|armements?|armes?|materiels?|engins?|"
            r"vehicules?|missiles?|munitions?)\b|"
            r"\b(what|which) (\w+ ){0,2}(systems?|equipment|weapons?|arms|vehicles?|missiles?)\b"
        ),
    ),
    # not "où / where": on PIAF as often answered by "dans un laboratoire" as by a name
    (
        "port",
        re.compile(
            r"\b(quel port|quelle base|quel aeroport|quel hotel|quel batiment|quelle usine|"
            r"quel hopital|quel palais|quelle ecole|quel immeuble|"
            r"(what|which) (\w+ )?(port|base|air base|airport|hotel|building|factory|plant|"
            r"hospital|stadium|palace|school))\b"
        ),
    ),
]
_KIND_Q = dict(_ASKED)  # the pattern of each kind

# "Quel gouverneur ...", "Which Iranian official ...", "Qui est l'ambassadeur
# ...": the holder of a role, answered by a person's name in a sentence that
# names the role. Each role word with the stems (folded, French and English)
# that name it in a sentence.
_ROLES = {
    "ministre|minister": "minist",
    "gouverneur|governor": "gouver|govern",
    "ambassadeur|ambassador": "ambass",
    "diplomate|diplomat": "diplomat|ambass",
    "president": "presid",
    "porte-parole|spokesman|spokesperson|spokeswoman": "porte-parole|spokes",
    "secretaire|secretary": "secret",
    "commandant|commander": "comman",
    "general": "genera",
    "chef|head": "chef|head",
    "dirigeant|leader": "dirige|leader",
    "responsable|official": "respon|offici",
    "depute|lawmaker|parlementaire|elu": "depute|lawmak|parlem|elu",
    "senateur|senator": "senat",
    "directeur|director": "direct",
    # who wrote the piece: the byline ("Publié par : …") names no role. Not
    # "auteur / author": "qui est l'auteur de Don Quichotte" asks for a name
    "journaliste|journalist|reporter|correspondant|correspondent|redacteur": (
        "journal|report|corresp|redact|publi"
    ),
    "conseiller|adviser|advisor": "consei|advis",
    "envoye|envoy|emissaire|emissary": "envoy|emissa",
    "maire|mayor": "maire|mayor",
    "officier|officer": "offici|genera|amiral|admiral",
    # "l'homologue russe de Lloyd Austin": someone of that nation with a role
    "homologue|counterpart": "homolog|counterpart",
}
# Roles that say no more than "someone who leads": any new name answers them
# ("quel dirigeant américain" -> "Biden"); an official has a title to show.
_ANYONE = frozenset(("dirigeant", "leader"))
_ROLE_STEMS = {w: stems for words, stems in _ROLES.items() for w in words.split("|")}
_HOLDER = re.compile(
    r"^\W*(quel(le)?s? |which |what |qui (est|etait|sont|etaient) (le |la |les |l['’])|"
    r"comment s.appel\w* (le |la |les |l['’])|comment se nomme (le |la |l['’])|"
    r"quel est le nom (du |de la |de l['’]|des )|(what|which) (is|was) the name of (the )?|"
    # the words before the role qualify it ("which Fox News Digital reporter");
    # a verb or an article starts another phrase: "what position does General
    # Milley hold", "quel poste occupe le général" ask for the role, not its holder
    r"who (is|was|are|were) (the |[\w-]+['’]s ))"
    r"((?!(does|did|do|is|was|are|were|has|have|had|le|la|les|l|un|une|des|du|the|a|an|"
    r"son|sa|ses|leur|leurs|its|their)\b)"
    r"[\w-]+(['’]s)? ){0,3}?"
    r"(?P<role>" + "|".join(sorted(_ROLE_STEMS, key=len, reverse=True)) + r")s?\b"
)
_ANY_ROLE = re.compile(
    r"\b(" + "|".join(sorted(set("|".join(_ROLES.values()).split("|")), key=len)) + ")"
)

# what tells an end: "jusqu'en 2024", "d'ici la fin de l'année", "until March"
_UNTIL = re.compile(
    r"\b(jusqu|d.ici|until|till|through|expir\w*|fin|end|ends|ending|echeance|deadline|cloture\w*)\b"
)
# a year after the word that dates by it: "d'ici 2019", "depuis 2014", "in 2022"
_AT_YEAR = r"\b(d.ici|en|depuis|jusqu.en|des|in|by|since|until)\s+(1[89]|20)\d\d\b"
_ORDINAL = (
    r"(\d+(e|er|eme|th|st|nd|rd)|premi\w+|deuxi\w+|second\w*|troisi\w+|quatri\w+|cinqui\w+|"
    r"sixi\w+|septi\w+|huiti\w+|neuvi\w+|dixi\w+|first|third|fourth|fifth|sixth|tenth)"
)
WEEKDAY = (
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday"
)
_MONTH = (
    r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_DAY_WORDS = r"hier|aujourd.hui|demain|avant-hier|yesterday|today|tomorrow"
# What a span must hold for each kind of date, searched in the folded span.
_DAY_OF_MONTH = rf"\b\d{{1,2}}(er)? ({_MONTH})\b|\b({_MONTH}) \d{{1,2}}\b"
_NUMERIC_DATE = r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
_SPAN_DATE: dict[str, re.Pattern] = {
    "day": re.compile(rf"\b({WEEKDAY}|{_DAY_WORDS})\b|{_DAY_OF_MONTH}"),
    # a weekday is no date: "à quelle date précise" is not answered by "mercredi";
    # nor a month alone: the blind sets' writers asked "à quelle date" next to a
    # fact the article dates "en mars" seven times, each unanswerable
    "date": re.compile(rf"{_DAY_OF_MONTH}|\b\d{{3,4}}\b|{_NUMERIC_DATE}"),
    "month": re.compile(rf"\b({_MONTH})\b|\b{_ORDINAL} (mois|month)\b"),
    "year": re.compile(rf"\b\d{{3,4}}\b|\b{_ORDINAL} (annee|an|year)\b"),
    "time": re.compile(
        r"\b\d{1,2} ?(h|heures?)( ?\d\d)?\b|\b\d{1,2}[:.]\d\d\b|\b\d{1,2} ?(am|pm|a\.m\.|p\.m\.)|"
        r"\b(matin|soir|soiree|nuit|apres-midi|midi|minuit|aube|morning|evening|night|"
        r"afternoon|noon|midnight|dawn)\b"
    ),
    # "quand / when" is answered by a date, a relative one, or an event ("lors
    # de la fondation des villes", "après la visite de Choïgu"): any will do
    "when": re.compile(
        rf"\b({WEEKDAY}|{_DAY_WORDS}|{_MONTH})\b|\b\d{{3,4}}\b|\b(siecle|century|journee|epoque)\b|"
        # an event that dates: "depuis la Seconde Guerre mondiale"
        r"\b(guerres?|wars?|invasion|revolution|crises?|crisis)\b|"
        # the moment of a journey: "à son arrivée en Norvège", "après la visite de Choïgou"
        r"\b(arrivee|depart|retour|visite|voyage|arrival|departure|return|visit|trip)\b|"
        r"\b(matin|soir|soiree|nuit|aube|morning|evening|night|dawn)\b|"
        r"\b(semaine|mois|annee|an|week|month|year)s? (dernier|derniere|prochain|prochaine|passee?|"
        r"precedent\w*|suivant\w*)\b|"
        r"\b(last|next|this|earlier this|later this) (week|month|year)\b|"
        r"\b(cette|ce|cet) (semaine|mois|annee|ete|hiver|printemps|automne)\b|"
        r"\b(il y a|ago|depuis|lors|pendant|durant|au cours|apres|avant|jusqu|a partir|vers|"
        r"during|after|before|since|until|when|once)\b|\b(debut|fin|mi|courant|early|late|mid)[- ]"
    ),
}
# a clause that dates by another event: "quand la France redevient royaliste"
_WHEN_CLAUSE = re.compile(
    r"^\W*(?:(?:quand|lorsque|des que|when|once|as soon as)\s+|lorsqu['’])(?=\S+\s+\S)"
)
# "à quelle date précise": a day of a month, not the month alone ("août")
_EXACT_DATE_Q = re.compile(r"\bdates? (precises?|exactes?)\b|\b(exact|precise|specific) dates?\b")
_EXACT_DATE = re.compile(rf"{_DAY_OF_MONTH}|{_NUMERIC_DATE}")
_NUMBER = re.compile(
    r"\d+|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
    r"seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|millions?|milliards?|"
    r"dizaines?|douzaines?|vingtaines?|trentaines?|centaines?|milliers?|moitie|tiers|quarts?|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|quarter)\b|"
    # "un/une" counts only as a quantity ("un mois", "un seul point", "une
    # fois", "au moins un"), not as an article ("une famine massive")
    r"\b(un|une|a|one) (seule?|single|fois|time|jour|semaine|mois|an|annee|heure|minute|"
    r"seconde|decennie|siecle|day|week|month|year|hour|decade|century)s?\b|"
    r"\b(au moins|plus d|moins d|environ|at least|more than|about) (un|une|one)\b|"
    r"\b(un|une|one) (ou|or) (plusieurs|more)\b|"  # "un ou plusieurs articles"
    # a vague duration answers "how long", "combien de temps" ("quelques semaines")
    r"\b(quelques|plusieurs|few|several) (jour|semaine|mois|annee|heure|minute|"
    r"day|week|month|year|hour|minute)s?\b"
)
_ONE = re.compile(r"\b(un|une|a|one)\b")
# "quelle quantité / what quantity" may be answered without a figure
_QUANTITY_Q = re.compile(rf"\b({_QUANTITY})\b")
_VAGUE_QUANTITY = re.compile(
    r"\b(nombre (important|considerable|eleve|significatif)|grand nombre|nombreu(x|ses)|"
    r"quantites? (importantes?|considerables?|massives?|significatives?)|"
    r"(large|significant|huge) (number|quantit(y|ies)|amounts?))\b"
)
# "obus de 152 mm" measures the shells, it does not count them; unless the
# question asks for a measure ("à combien de kilomètres").
_MEASURE = re.compile(r"\d[\d\s,.]*\s?(mm|cm|km|m|kg|t|tonnes?|degres?)\b")
_MEASURE_Q = re.compile(
    r"\b(combien d[e']|how many|how much)\s*(mm|cm|km|kg|millimet\w*|centimet\w*|kilomet\w*|"
    r"metres?|meters?|miles?|kilos?|tonnes?|tons?|degres?|degrees?)\b|"
    r"\b(calibre|caliber|taille|size|longueur|length|hauteur|height|poids|weight)\b"
)
# "combien de pays", "how many": things counted, which a sum of money is not
# (unless the things are money: "combien d'aide", "combien de dollars").
_COUNTED = re.compile(
    r"\b(combien d(e |['’])(?!(dollars|euros|argent|aide|fonds|credits?|milliards?|millions?)\b)"
    r"\w+|how many)\b"
)
# Capitalised words that name no place or model ("contre le Nord", "les Etats"),
# and acronyms of a kind of firm, not one ("des PME et des groupes").
_NOT_A_NAME = frozenset(
    "nord sud est ouest north south east west le la les l un une des de du the a an en au aux "
    "etat etats state states occident pme pmi eti ong sme smes ngo ngos".split()
)


# Units of time: "combien d'heures" is not answered by "quelques semaines".
_TIME_UNIT = {
    **dict.fromkeys("minute minutes".split(), "minute"),
    **dict.fromkeys("heure heures hour hours".split(), "hour"),
    **dict.fromkeys("jour jours journee journees day days".split(), "day"),
    **dict.fromkeys("semaine semaines week weeks".split(), "week"),
    **dict.fromkeys("mois month months".split(), "month"),
    **dict.fromkeys("ans annee annees year years".split(), "year"),
}
_UNIT_ASKED = re.compile(r"\b(combien d(e |['’])|how many )(?P<unit>\w+)")
# (not English "may": "on what date may the summit open")
MONTHS = {  # folded month name -> 0 (January) to 11
    name: i % 12
    for i, name in enumerate(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
        "january february march april may june july august september october november "
        "december".split()
    )
    if name != "may"
}


# "combien de temps / how long": a duration, with its unit of time
_DURATION_Q = re.compile(rf"\b(combien de temps|how long|{_HOW_LONG})\b")
_LONG = re.compile(
    r"\b(decennies?|siecles?|millenaires?|decades?|centur(y|ies)|millenni(a|um)|longtemps|"
    r"instants?|\w*secondes?|seconds?)\b"
)


# "X seulement après", "two weeks later": the time between two events, which
# answers "combien de temps après / entre" but not how long something lasted
_AFTER = re.compile(
    r"^[^\w]*((seulement|juste|only|just) )?(apres|avant|plus tard|plus tot|auparavant|later|"
    r"after|before|earlier|ago)\b"
)
# "Combien de jours entre la fin du sommet et les réunions d'Oslo ?", "how
# long after X did Y": the time between two events, which the passage tells
# as one ("quelques semaines seulement après que…", "deux mois plus tard"),
# not the length of one thing ("le voyage de six jours").
_BETWEEN_Q = re.compile(
    r"\b(combien de (temps|jours|semaines|mois|heures|annees)|how (long|many (days|weeks|"
    r"months|hours|years)))\b[^?]*\b(apres|avant(?! de\b)|entre|after|before|between)\b"
)

# "combien de temps a duré la rencontre entre A et B": a length, whatever "entre" says
_LASTED_Q = re.compile(r"\bdure(e|es|r|ra|rait|rent|ait|nt)?\b|\blasted\b|\blast\W*$")
_INTERVAL_Q = re.compile(
    r"\b(apres|avant|entre|depuis|ecoul\w*|separ\w*|plus tard|after|before|between|since|"
    r"later|elapsed|passed|delai|dans combien|d'ici|how soon|until|in how)\b"
)


def _only_interval(span: str, folded_question: str, sentence: str) -> bool:
    """The span is the time between two events in the sentence ("quelques
    semaines seulement après", "dans un mois"), and the question asks
    how long something lasted, not how long after."""
    return not _INTERVAL_Q.search(folded_question) and _told_as_interval(span, sentence)


def _told_as_interval(span: str, sentence: str) -> bool:
    """The sentence tells the span as the time between two events."""
    if not sentence:
        return False
    said, found = fold(sentence), fold(span)
    at = said.find(found)
    if at < 0:
        return False
    after = said[at + len(found) :]
    # "à un mois du sommet", "le sommet dans un mois": the time left before an event
    before = said[:at]
    ahead = re.search(r"\b(dans|d'ici|within|in)\s*$", before) or (
        re.search(r"(^|\W)a\s*$", before) and re.match(r"\s*(de|du|des|d')\b", after)
    )
    return bool(_AFTER.match(after) or ahead)


_TIMES_Q = re.compile(r"\b(combien de fois|how many times)\b")
_TIMES = re.compile(r"\b(fois|reprises|occasions|times|once|twice)\b")


def _told_as_times(span: str, question: str, sentence: str) -> bool:
    """The span, or the words just after it, count times ("à deux reprises",
    "trois fois par an") or the thing the question names ("combien de fois
    l'Inter a-t-il remporté la Ligue" -> "trois Ligues")."""
    folded, s = fold(sentence), fold(span)
    at = folded.find(s)
    after = _words(folded[at + len(s) :])[:2] if at >= 0 else []
    stems = {w[:5] for w in _words(question) if len(w) > 3}
    return bool(
        _TIMES.search(s)
        or _TIMES.search(" ".join(after))
        or any(w[:5] in stems for w in after if len(w) > 3)
    )


def _counts_time(question: str) -> bool:
    """A count of units of time ("depuis combien d'années", "how many days")."""
    m = _UNIT_ASKED.search(fold(question))
    return bool(m and m.group("unit") in _TIME_UNIT)


# A figure asked "exactement / precisely" is not a vague quantity.
_EXACT_Q = re.compile(r"\b(exactement|precisement|exact|precis|precise|exactly|precisely)\b")
_VAGUE = re.compile(
    r"^\W*(des |quelques |plusieurs |a few |several |)(quelques|plusieurs|centaines|milliers|"
    r"millions|milliards|dizaines|douzaines?|few|several|hundreds|thousands|millions|dozens?)\b"
)
_SCALE = {
    "mille": 1e3,
    "millier": 1e3,
    "milliers": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(" + "|".join(_SCALE) + r")?\b")


def amounts(text: str) -> list[float]:
    """The figures of the text with their scale ("8,5 milliards" -> 8.5e9)."""
    return [
        float(m.group(1).replace(",", ".")) * _SCALE.get(m.group(2) or "", 1.0)
        for m in _AMOUNT.finditer(_THOUSANDS.sub("", fold(text)))
    ]


def _units(text: str) -> set[str]:
    return {_TIME_UNIT[w] for w in _words(text) if w in _TIME_UNIT}


def months(text: str) -> set[int]:
    return {MONTHS[w] for w in _words(text) if w in MONTHS}


def _contradicts(kind: str, span: str, question: str) -> bool:
    """The span gives another unit of time than the one counted ("combien
    d'heures" -> "quelques semaines"), or a day or date in another month than
    the question's ("quel jour de septembre" -> "30 août")."""
    if kind == "count":
        m = _UNIT_ASKED.search(fold(question))
        unit = _TIME_UNIT.get(m.group("unit")) if m else None
        return bool(unit) and bool(_units(span)) and unit not in _units(span)
    # not "when": "quand, après la visite de juillet, …" may be answered by another month
    if kind in ("day", "date"):
        q, got = months(question), months(span)
        return bool(q) and bool(got) and not (q & got)
    return False


# "La Maison Blanche a-t-elle précisé par quel mode de transport…", "Did the
# White House say how the shells are transported?": asked yes or no, whether
# someone told; "n'a pas précisé le mode de transport" answers, and the
# embedded question names no kind the span must be
_TOLD_Q = re.compile(
    # not "Quand Kirby a-t-il dit si …": a fact asked before the verb
    r"^(?!\W*(quand|comment|combien|pourquoi|ou|qui|que|qu'|quel\w*|lequel|laquelle|d'ou|"
    r"(a|de|par|dans|en|pour|sur|selon) (quel\w*|qui|quoi)))"
    r"[^?]*?\w-t-(il|elle|ils|elles) (\w+ )?(precise|indique|dit|revele|explique|detaille|"
    r"chiffre|communique|divulgue)\s+(si|comment|quel\w*|combien|ou|quand|pourquoi|par quel\w*)\b|"
    r"^\W*(did|does|has|have|do) [^?]*?\b(say|said|specify|specified|reveal|revealed|explain|"
    r"explained|detail|detailed|disclose|disclosed|indicate|indicated)\s+(how|which|what|whether|"
    r"where|when|why|if)\b"
)


def asks_if_told(question: str) -> bool:
    """Is the question asked yes or no, whether someone told something?"""
    return bool(_TOLD_Q.search(straight(question)))


# what a sentence says was not told: "n'a pas précisé le mode de transport",
# "a refusé de détailler comment…", "declined to say which…"
_NOT_TOLD = re.compile(
    r"\b(n['’](a|ont|avait|avaient) pas|(a|ont) refus[ée] de|s['’]est refus[ée] à|"
    r"declined to|refused to|did not|didn['’]t|would not|wouldn['’]t)\s+[^,;.]*",
    re.IGNORECASE,
)


def not_told(sentence: str) -> tuple[int, int] | None:
    """(start, end) in the sentence of the clause telling what was not told."""
    m = _NOT_TOLD.search(sentence)
    return m.span() if m else None


def asked(question: str) -> str:
    """The kind of fact the question asks the reader's span to be, or ""."""
    q = fold(question)
    if asks_if_told(question):
        return ""
    # "Which official … declined to estimate how much…" asks for the official:
    # a kind named after the question's own "which X / qui" is another clause's
    first = _HOLDER.search(q) or re.match(r"\W*(qui|who)\b", q)
    for kind, pattern in _ASKED:
        m = pattern.search(q)
        if m and not (first and m.start() >= first.end()):
            return kind
    if _HOLDER.search(q):
        return "holder"
    return "person" if _WHO.search(q) else ""


# "Qui dirige / préside / who chairs": one person, named
_LEADS_Q = re.compile(
    r"^\W*(qui|who) (dirige\w*|presid\w*|occup\w*|command\w*|chair\w*|head\w*|lead\w*|led|"
    r"runs?|ran)\b"
)
# what a sentence calls whoever leads, chairs or commands something
_LEADER = re.compile(
    r"\b(presid\w*|dirig\w*|direct\w*|chef\w*|command\w*|chair\w*|head\w*|lead\w*|"
    r"secretaire general|secretary general|ministre|minister|patron\w*|a la tete|at the head|"
    r"gouverneur|governor|maire|mayor|roi|king|premier|chancel\w*|amiral|admiral|general)\b"
)
# "Qui / who …": someone, which a clause ("Maison Blanche a affirmé avoir
# déterminé que…") is not. 2 of PIAF's 344 "qui" gold spans hold one.
_WHO = re.compile(
    r"^\W*(qui|who)\b|"
    # "Selon l'article, qui a démenti…", not "Pourquoi X, qui a …, a-t-il…"
    r"^(?!\W*(pourquoi|comment|quand|ou|combien|quel|quelle|quels|quelles|que|qu|why|how|when|"
    r"where|what|which)\b)[^?]*[,;:]\s*(qui|who)\s+(a|ont|est|sont|avait|avaient|etait|va|vont|"
    r"doit|has|have|is|are|was|were|did|will)\b"
)
CLAUSE = re.compile(
    r"\b(a|ont|avait|avaient|est|sont|sera|aurait|has|have|had)\s+\w+(e|es|ee|ees|i|is|u|us|it|ed)\b"
)


# what follows a number quoted out of a sum: "8,5" of "8,5 milliards de dollars"
_SUM_AFTER = re.compile(rf"\s*((millions?|milliards?|billions?) (de |d['’])?)?({_CURRENCY})", re.I)


def _part_of_sum(span: str, sentence: str) -> bool:
    """The span is a sum's number without its currency."""
    at = sentence.find(span) if span.strip() else -1
    return at >= 0 and bool(_SUM_AFTER.match(sentence, at + len(span)))


# three things or more, each with an article of quantity: a list of what was
# given or bought, which says no reason
_THINGS_LISTED = re.compile(
    r"^\W*(?:(?:des|d['’]autres|de|d['’]|un|une|les|some|other)\s[^,;]{2,60}?,\s*){2,}"
    r"[^,;]*?\b(?:et|and)\s+(?:des|d['’]autres|de|d['’]|un|une|les|some|other)\b",
    re.IGNORECASE,
)


def _fresh(found: list[str], question: str) -> bool:
    """Some match holds a word the question does not."""
    q = set(_words(question))
    return any(w not in q for m in found for w in _words(m))


def _in_question(word: str, qwords: set[str]) -> bool:
    """The word or a spelling of it (Choïgu/Shoigu, Moscou/Moscow) is in the question."""
    return any(
        w == word
        or (len(w) >= 5 and len(word) >= 5 and w[:5] == word[:5])
        or (len(w) >= 4 and difflib.SequenceMatcher(None, w, word).ratio() >= 0.8)
        for w in qwords
    )


_NAME_RUN = re.compile(r"(?:[A-Z][\w-]+ )*[A-Z][\w-]+")


def _without_named_people(span: str, question: str) -> str:
    """The span with blanks for the full names of people the question names
    by their last name ("Vladimir Poutine" for "Putin"; not "Kim Yo Jong" for
    "Kim Jong Un", whose last name is "Un")."""
    ends = {fold(run.split()[-1]) for run in _NAME_RUN.findall(question)}
    for m in _NAME_RUN.finditer(span):
        run = m.group(0)
        if " " in run and _in_question(fold(run.split()[-1]), ends):
            span = span[: m.start()] + " " * len(run) + span[m.end() :]
    return span


# "quel est le nom de la mer…", "comment s'appelle le porte-parole…", "by
# what name…" ask a name, which "eaux orientales" is not; only of people,
# places and code names: "le nom de l'élément" is "hélium" (PIAF)
_NAME_Q = re.compile(
    r"\b(quel est (le|son|leur) nom|quel nom|sous quel(le)?s? ([\w-]+ )?noms?|"
    r"comment s.appel\w*|what (is|was) (the|its|their|his|her) name|by what ([\w-]+ )?name|"
    r"under what name)\b\W+(\w+\W+){0,3}?"
    rf"({PERSON_NOUNS}|mer|ocean|fleuve|riviere|ville|lac|ile|sea|river|city|lake|island)s?\b|"
    r"\b(nom de code|code name)\b"
)


def unnamed(question: str, span: str) -> bool:
    """The question asks the name of someone or some place, and the span
    holds no new name."""
    return bool(_NAME_Q.search(straight(question))) and not new_names(span, question)


def new_names(span: str, question: str) -> list[str]:
    """Capitalised words, acronyms and words with digits of the span that the
    question does not hold (not the articles a span may start with)."""
    qwords = set(_words(question))
    out = []
    for m in re.finditer(r"[^\W_][\w-]*", _without_named_people(span, question)):
        w = m.group(0)
        if not (w[0].isupper() or any(c.isdigit() for c in w)) or fold(w) in _NOT_A_NAME:
            continue
        if not _in_question(fold(w), qwords):
            out.append(w)
    return out


@functools.lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    """Folded one-word names of languages, French and English, from babel
    ("francais", "coreen", "russian")."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover - a dependency (pyproject.toml)
        return frozenset()
    return frozenset(
        w
        for lang in ("fr", "en")
        for name in Locale(lang).languages.values()
        for w in _words(name)
        if len(w) > 3
    )


def _new_place_names(span: str, question: str) -> list[str]:
    """The span's new names, once its country and region names are blanked."""
    return new_names(places.without_countries(span), question)


# "combien de membres du personnel…" counts members: a sentence that counts
# only drones ("des centaines de drones") does not answer it, nor "quelle
# quantité d'obus". Words that count anyone or a measure are left to the
# other checks.
_COUNTED_NOUN = re.compile(r"\b(combien|quelle quantite) d(?:e |['’])(?P<noun>\w+)")
_ANY_NOUN = frozenset(
    "temps fois argent jours mois annees ans heures minutes semaines siecles personnes gens "
    "individus kilometres km metres kilos tonnes dollars euros aide fonds credits".split()
)


# English things counted, with the stems that name them in French or English:
# "how many satellites" is not answered by a sentence that counts "17 appels".
# Words outside this list are left unchecked.
_COUNTED_EN = {
    "soldiers": "soldat|soldier|militaire|troupe|troop|combattant",
    "troops": "troupe|troop|soldat|soldier|militaire",
    "people": "personne|gens|habitant|victime|mort|people|person",
    "drones": "drone",
    "shells": "obus|munition|shell",
    "missiles": "missile",
    "rockets": "roquette|rocket",
    "tanks": "char|blinde|tank",
    "warships": "navire|batiment|bateau|vaisseau|warship|ship",
    "ships": "navire|batiment|bateau|vaisseau|ship",
    "aircraft": "avion|appareil|chasseur|aircraft|plane|jet",
    "planes": "avion|appareil|chasseur|aircraft|plane|jet",
    "jets": "avion|appareil|chasseur|aircraft|plane|jet",
    "submarines": "sous-marin|sous marin|submarine",
    "satellites": "satellite",
    "workers": "ouvrier|travailleur|main-d|worker",
    "countries": "pays|nation|etat|countr|state",
    "members": "membre|member",
    "calls": "appel|call",
    "pilots": "pilote|pilot",
    "warheads": "ogive|tete|warhead",
    "letters": "lettre|letter",
}
_COUNTED_EN_Q = re.compile(r"\bhow many ([\w-]+ ){0,3}?(?P<noun>" + "|".join(_COUNTED_EN) + r")\b")


def _counts_the_thing(question: str, sentence: str) -> bool:
    """The sentence names what a French "combien de X" counts (X's first five
    letters: "membres", "membre"), or an English "how many X" of `_COUNTED_EN`."""
    q, sent = fold(question), fold(sentence)
    en = _COUNTED_EN_Q.search(q)
    if en:
        return bool(re.search(rf"\b({_COUNTED_EN[en.group('noun')]})", sent))
    m = _COUNTED_NOUN.search(q)
    if not m or m.group("noun") in _ANY_NOUN:
        return True
    stem = m.group("noun")[:5]
    return any(w.startswith(stem) for w in _words(sentence))


# The sums a question may name, with the stems (folded, French and English)
# a sentence names them by: "à combien s'élève le budget de la défense" is not
# answered by "une aide de 325 millions de dollars". Not "montant / amount":
# any sum is one.
_PRICED = {
    "budget": "budget",
    "budgets": "budget",
    "cout": "cout|cost",
    "couts": "cout|cost",
    "cost": "cout|cost",
    "prix": "prix|price|pric",
    "price": "prix|price|pric",
    "salaire": "salair|salar|pay",
    "salary": "salair|salar|pay",
    # what else a sum is for: "le montant des réductions de dépenses" is not
    # answered by an aid programme, nor "the contracts" by a credit line
    "reconstruction": "reconstr|rebuild",
    "reductions": "reduc|coupe|cut",
    "reduction": "reduc|coupe|cut",
    "cuts": "reduc|coupe|cut",
    "contrat": "contrat|contract",
    "contrats": "contrat|contract",
    "contract": "contrat|contract",
    "contracts": "contrat|contract",
    "pret": "pret|loan",
    "prets": "pret|loan",
    "loan": "pret|loan",
    "loans": "pret|loan",
}


# A question about transport ("moyen de transport", "par train ou par bateau")
# is answered by a way of travelling, which "La Maison Blanche" is not.
_TRANSPORT_Q = re.compile(r"\b(transport\w*|rail|train|bateau|navire|ship|sea|mer)\b")
_TRANSPORT = re.compile(
    r"\b(trains?|rail\w*|ferroviaire\w*|chemins? de fer|navires?|bateaux?|cargos?|mer|maritimes?|"
    r"ports?|avions?|aeriens?|aerienne|air|vols?|camions?|routes?|routiers?|terre|terrestres?|"
    r"convois?|voitures?|vehicules?|cheval|pied|velo|metro|rer|tgv|bus|cars?|autocars?|ferry|"
    r"helicopteres?|ships?|vessels?|boats?|planes?|flights?|trucks?|roads?|land|horse\w*|foot|"
    r"bicycles?|subway|helicopters?|pipelines?|sous-marins?|submarines?)\b"
)
_PURPOSE = re.compile(r"^\W*(pour|afin|to|in order|so as)\b")


def _a_means(span: str, question: str) -> bool:
    """A way something travels or is done: not a purpose, not a country or a
    lone short word, and a way of travelling when the question is about
    transport."""
    s = fold(span)
    if _PURPOSE.search(s) or not any(len(w) > 2 for w in _words(places.without_countries(span))):
        return False
    return not _TRANSPORT_Q.search(fold(question)) or bool(_TRANSPORT.search(s))


_FREQUENCY = re.compile(
    r"\b(quotidien\w*|hebdomadaire\w*|mensuel\w*|annuel\w*|bimensuel\w*|trimestriel\w*|"
    r"chaque|tous les|toutes les|par (jour|semaine|mois|an|annee)|fois|reprises|"
    r"regulierement|souvent|rarement|frequemment|sans cesse|daily|weekly|monthly|yearly|"
    r"annual\w*|every|each|times|often|regularly|rarely|frequently)\b"
)


# what was done: a gerund ("en interceptant", "envoyant des navires"), an
# infinitive or a past tense ("signer des contrats", "avoir intercepté",
# "a échangé des lettres"), or an instrument ("grâce à", "by intercepting")
_DONE = re.compile(
    r"^\W*(en )?\w{3,}ant\b|\b\w{3,}(er|ir)\b|"
    r"\b(a|ont|avait|avaient|avoir|ayant|aurait|auraient) \w{2,}(e|es|ee|ees|i|is|u|us|t)\b|"
    r"\b(grace a|a l'aide d|au moyen d|via|par l'intermediaire d|through|thanks to|"
    r"using|by \w+ing)\b"
)


def _a_method(span: str) -> bool:
    """What was done, not a purpose nor a fact alone ("des lourdes pertes")."""
    s = straight(span)
    return not _PURPOSE.search(s) and bool(_DONE.search(s))


# "quel pays" (not "quels pays") asks for one country
_ONE_COUNTRY = re.compile(r"\b(quel pays|(what|which) country)\b")
# "dans quel pays se trouve Vilnius", "quel pays accueille le sommet de
# Vilnius": the country a city is in is the one asked
_COUNTRY_OF_PLACE = re.compile(
    r"\b((dans|en) quel pays|in (what|which) country|accueill\w*|host\w*|se trouve|situee?s?|"
    r"located|where)\b"
)


def _new_number(span: str, question: str) -> bool:
    """A number of the span ("325", "tiers") is not the question's ("quelle
    part des 325 millions" -> "325 millions" is no part)."""
    return _fresh([m.group(0) for m in _NUMBER.finditer(fold(span))], question)


# what stands between a whole and a figure listed beside it: "13,1 milliards
# de dollars en aide militaire et de 8,5 milliards"; no "dont / of which"
_BESIDE = re.compile(
    r"^(?:(?!\b(?:dont|of which|including|soit|among them)\b)[^\d;.])*?\b(?:et|and)\b[^\d]*$"
)


def _beside_whole(span: str, question: str, sentence: str) -> bool:
    """Does the sentence list the span's figure after the question's whole,
    joined by "et / and", rather than as a part of it?"""
    folded, f = _THOUSANDS.sub("", fold(sentence)), _THOUSANDS.sub("", fold(span))
    at = folded.find(f)
    if at < 0:
        return False
    for m in _AMOUNT.finditer(_THOUSANDS.sub("", fold(question))):
        whole = folded.rfind(m.group(1), 0, at)
        if whole >= 0 and _BESIDE.match(folded[whole + len(m.group(1)) : at]):
            return True
    return False


def _names_the_sum(question: str, sentence: str) -> bool:
    q = _words(question)
    need = [_PRICED[w] for w in q if w in _PRICED]
    return all(re.search(rf"\b({stems})", fold(sentence)) for stems in need)


def dates_in(kind: str, sentence: str) -> list[tuple[int, int]]:
    """Where the sentence writes a date of the kind ("jeudi" for "day"), as
    (start, end) in its own characters; none when folding changes its length."""
    folded = fold(sentence)
    if kind not in _SPAN_DATE or len(folded) != len(sentence):
        return []
    return [m.span() for m in _SPAN_DATE[kind].finditer(folded)]


def measures(sentence: str) -> list[re.Match]:
    """The measures written in the sentence ("155 mm", "30 km"), in its own
    characters."""
    return list(_MEASURE.finditer(sentence))


_WHICH_REGION = re.compile(r"\b(quelles? regions?|(what|which) (\w+ )?regions?)\b")


def _new_region(span: str, question: str) -> bool:
    """The span names a part of the world the question does not."""
    qwords = set(_words(question))
    return any(not _in_question(w, qwords) for w in places.region_words(span))


# "Sung-Yoon Lee, chercheur au Woodrow Wilson International Center": the span
# after a role and "au / du / at" is whom someone works for, not who acted
_PROFESSION = re.compile(
    r"\b(chercheu\w*|expert\w*|analyste?s?|professeu\w*|membres?|employ\w*|"
    r"researchers?|fellows?|analysts?|professors?|members?|scholars?)\s*$",
    re.I,
)
_AFFILIATED = re.compile(r"\b(au|aux|du|des|de la|de l'|a la|a l'|at|at the|of the)\s*$")


def _affiliation(span: str, sentence: str) -> bool:
    """Does a role or a profession and "au / du / at the" come right before
    the span in the sentence?"""
    at = sentence.find(span) if span and sentence else -1
    if at <= 0:
        return False
    before = straight(sentence[max(0, at - 40) : at])
    m = _AFFILIATED.search(before)
    role = before[: m.start()].split(",")[-1] if m else ""
    return bool(_ANY_ROLE.search(role) or _PROFESSION.search(role))


# a group or meeting named after its name: "la réunion du groupe Ramstein",
# "the Ramstein group", "le format Normandie"
_GROUP_BEFORE = re.compile(r"\b(groupe|group|format|formation|coalition)( de| du| d')?\s*$")
_GROUP_AFTER = re.compile(r"^\s*(group|format|coalition)\b")


def _group_name(span: str, sentence: str) -> bool:
    """Does the sentence name a group, a format or a coalition by the span?"""
    at = sentence.find(span) if span and sentence else -1
    if at < 0:
        return False
    before, after = fold(sentence[max(0, at - 20) : at]), fold(sentence[at + len(span) :])
    return bool(_GROUP_BEFORE.search(before) or _GROUP_AFTER.match(after))


def span_fits(kind: str, span: str, question: str, sentence: str = "") -> bool:
    """Is the reader's span (in `sentence`) a fact of the kind `asked` found,
    beyond what the question already says?"""
    if not kind:
        return True
    s, q = fold(span), fold(question)
    if not s.strip() or _contradicts(kind, span, question):
        return False
    if kind == "measure":  # "au moins un bombardier" counts one, and measures nothing
        found = [m.group(0) for m in _NUMBER.finditer(s) if not _ONE.search(m.group(0))]
        return _fresh(found, question)
    if kind in ("when", "day", "date") and (
        _said_that_day(span, sentence, question)
        or _other_tense(span, question)
        or _verb_of_another_tense(span, sentence, question)
    ):
        return False
    if kind == "until":  # the span, or the words just before it, tell an end
        folded = fold(sentence)
        at = folded.find(s)
        return bool(_UNTIL.search(s) or (at >= 0 and _UNTIL.search(folded[max(0, at - 25) : at])))
    if kind == "date" and _EXACT_DATE_Q.search(q):
        return _fresh([m.group(0) for m in _EXACT_DATE.finditer(s)], question)
    if kind == "when" and (clause := _WHEN_CLAUSE.match(s)):
        return _fresh([s[clause.end() :]], question)  # "quand la France redevient royaliste"
    if kind == "when":  # "152 mm" is no year
        s = _MEASURE.sub(" ", s)
    if kind in _SPAN_DATE:
        return _fresh([m.group(0) for m in _SPAN_DATE[kind].finditer(s)], question)
    if kind == "count":
        measures = not _MEASURE_Q.search(q)
        # "son 20e mois" ranks, "d'ici 2019" dates: neither counts
        s = re.sub(rf"\b{_ORDINAL}\b|{_AT_YEAR}", " ", s)
        nums = [
            m.group(0)
            for m in _NUMBER.finditer(s)
            if not (measures and _MEASURE.match(s, m.start()))
        ] + re.findall(r"\b(aucune?|none|zero)\b", s)  # "combien des deux…" -> "aucun"
        if _COUNTED.search(q) and (_MONEY.search(span) or _part_of_sum(span, sentence)):
            return False  # "1 milliard de dollars" does not count countries, nor its "1"
        if sentence and not _counts_the_thing(question, sentence):
            return False
        if _TIMES_Q.search(q) and not _told_as_times(span, question, sentence):
            return False  # "combien de fois" -> "deux fois", not "17 appels"
        if _DURATION_Q.search(q) and not (_units(span) or _LONG.search(fold(span))):
            return False  # "17 appels" is no duration
        if _counts_time(question) and months(span) and not _units(span):
            return False  # "30 août 2023" is no number of years
        if (_DURATION_Q.search(q) or _counts_time(question)) and (
            _only_interval(span, q, sentence)
            or (_LASTED_Q.search(q) and _told_as_interval(span, sentence))
        ):
            return False  # "quelques semaines seulement après" is no visit's length
        between = _BETWEEN_Q.search(q) and not _LASTED_Q.search(q)
        if between and sentence and not _told_as_interval(span, sentence):
            return False  # "le voyage de six jours" is no time between two events
        if _EXACT_Q.search(q) and not re.search(r"\d", s) and _VAGUE.search(s):
            return False  # "combien d'heures exactement" -> not "quelques heures"
        if _QUANTITY_Q.search(q) and _VAGUE_QUANTITY.search(s):
            return True  # "quelle quantité" -> "un « nombre important »"
        return _fresh(nums, question)
    if kind == "country":
        if not places.country_names():
            return bool(new_names(span, question))
        # "North Korean weapons" names North Korea as much as "Corée du Nord"
        # "L'armée française" answers "l'armée de quel pays" as "la France"
        # would; a span naming a country or a region ("d'Afrique du Nord") is
        # read by its names only
        named = places.countries(span) or places.demonym_nations(span)
        new = named - places.countries(question) - places.demonym_nations(question)
        if not _COUNTRY_OF_PLACE.search(q):
            # "the talks between Moscow and Pyongyang" name Russia and North
            # Korea by their capitals: neither is a third country asked
            new -= places.city_nations(question)
        if not places.in_region(new, q):
            return False  # "Russie" is no "pays d'Afrique du Nord"
        if _ONE_COUNTRY.search(q):  # a country, not only a region
            return any(c.isalpha() for c in new)
        return bool(new)
    if kind == "city" and _WHICH_REGION.search(q) and _new_region(span, question):
        return True  # "which region" -> "indo-pacifiques"
    if kind == "city":  # a new name that is not (part of) a country's
        return bool(_new_place_names(span, question)) and not _other_nation(
            kind, question, places.city_nations(span) or _placed_in(span, sentence)
        )
    if kind == "frequency":
        return bool(_FREQUENCY.search(s))
    if kind == "part":
        return not _other_nation(
            kind, question, places.city_nations(span) | places.any_nations(span)
        )
    if kind == "number":
        return _fresh(re.findall(r"\d[\d.,-]*", s), question)
    if kind == "calibre":
        return _fresh([m.group(0) for m in _MEASURE.finditer(s)], question)
    if kind == "language":  # "en russe", "Korean": a language, not a clause that names one
        words = _words(span)
        return len(words) <= 3 and bool(set(words) & _languages())
    if kind == "why":  # a reason: more than names, or a measure ("152 mm")
        words = [
            w
            for w in re.findall(r"[^\W\d_][\w'’-]*", span)
            if fold(w) not in STOPWORDS and len(w) > 2
        ]
        if _THINGS_LISTED.match(span):
            return False  # "des armes antichar, des équipements…, des obus": what, not why
        if _FIGURE_ONLY.match(s.strip()):
            return False  # "1 milliard de dollars": how much, not why
        return bool(words) and not all(w[:1].isupper() for w in words)
    if kind == "share":  # a new figure, and a part is less than the whole
        whole, part = amounts(question), amounts(span)
        if _PERCENT_Q.search(q) and not (_PERCENT.search(s) or _PART.search(s)):
            return False  # "quel pourcentage" -> "15 %", "la moitié"; not "8,5 milliards"
        if _MEASURE.search(s):
            return False  # "152 mm" measures, and is no part of anything
        if not whole and _MONEY.search(span):
            return False  # "1 milliard de dollars" of a budget the question gives no sum of
        if whole and _beside_whole(span, question, sentence):
            return False  # "13,1 milliards … et de 8,5 milliards": another sum, not part of it
        if any(c.isdigit() for c in s):
            return _new_number(span, question) and not (whole and part and min(part) >= max(whole))
        # in words, a part ("la moitié", "une grande partie", "tous"), not an
        # amount ("des millions")
        return _fresh([m.group(0) for m in _PART.finditer(s)], question)
    if kind == "sum":
        return _new_number(span, question) and (not sentence or _names_the_sum(question, sentence))
    if kind == "person":  # someone, not a clause nor the question's own name
        words = [w for w in _words(places.without_countries(span)) if len(w) > 3]
        qwords = set(_words(question))
        if _LEADS_Q.search(q) and sentence and not _LEADER.search(fold(sentence)):
            return False  # "qui préside le comité" -> not the spokesman the sentence names
        if _LEADS_Q.search(q) and (
            not _new_place_names(span, question)
            or (places.any_nations(span) and all(places.any_nations(w) for w in words))
        ):
            return False  # "qui préside…" -> a name, not "des Pays-Bas", "le directeur", "le Japon"
        if _named_surname(span, qwords):
            return False  # "according to Stoltenberg, who…" -> not "Jens Stoltenberg"
        if all(w in _NOT_A_NAME for w in _words(span)):
            return False  # "des PME" is a kind of firm, no one in particular
        if _affiliation(span, sentence):
            return False  # "chercheur au Woodrow Wilson … Center": where someone works
        if _group_name(span, sentence):
            return False  # "la réunion du groupe Ramstein": a group, no one
        return not CLAUSE.search(s) and not (words and all(_in_question(w, qwords) for w in words))
    if kind == "means":
        return _a_means(span, question)
    if kind == "method":
        return _a_method(span)
    if kind == "paid":
        return bool(_MONEY.search(span)) and _new_number(span, question)
    if kind == "sort":  # anything but countries or a quantity alone ("des millions")
        rest = places.without_countries(span)
        # an acronym is a word however short ("des PME")
        return (
            any(len(w) > 3 for w in _words(rest)) or bool(re.search(r"\b[A-Z]{2,}\b", rest))
        ) and not _QUANTITY_ONLY.match(s.strip())
    if kind == "thing":
        return not (
            places.only_places(span)
            or places.only_institutions(span)
            or _QUANTITY_ONLY.match(s.strip())
        )
    if kind == "body" and _other_nation(kind, question, places.any_nations(span), after=3):
        return False  # "quelle agence de renseignement américaine" -> not "le ministère russe"
    if kind == "body" and _asks_media(q) and not _media_name(span):
        return False  # "which news organisations" -> not "Groupe de contact de défense"
    if kind == "body" and _names_unit(s, q):
        return True
    if kind in ("port", "body") and places.only_places(span):
        return False  # "Oslo" is where the hotel is, not the hotel
    if kind in ("port", "model", "body"):  # a name, and a country is none of them
        return bool(_new_place_names(span, question))
    if kind == "holder":
        return _holder_fits(span, question, sentence)
    return True


_ORG_UNIT = re.compile(_UNIT_Q)


def _names_unit(folded_span: str, folded_question: str) -> bool:
    """The span names the kind of unit asked ("programme" for "quel programme")."""
    m = _ORG_UNIT.search(folded_question)
    unit = m and (m.group("unit") or m.group("unit_en"))
    return bool(unit) and unit[:5] in folded_span


def _named_surname(span: str, qwords: set[str]) -> bool:
    """The span is a person's full name whose surname the question already
    names: the question's own person, not an answer about someone else."""
    names = [w for w in re.findall(r"[^\W\d_][\w-]+", span) if w[0].isupper()]
    return len(names) >= 2 and len(names[-1]) > 3 and _in_question(fold(names[-1]), qwords)


# a part named in words ("un tiers", "une grande partie")
_PART = re.compile(
    r"\b(moitie|tiers|quarts?|cinquiemes?|dixiemes?|centiemes?|majorite|minorite|totalite|"
    r"essentiel|plupart|parties?|tous|toutes|tout|entier|entiere|aucune?|half|third|quarters?|"
    r"fifths?|tenths?|majority|minority|most|all|none|whole|entire)\b"
)
# "quel pourcentage" is told as one or as a part ("la moitié"), not as a sum
_PERCENT_Q = re.compile(r"\b(pourcentage|percentage)\b")
_PERCENT = re.compile(r"%|\b(pour ?cents?|pourcent|percent|per cent|points?)\b")
# a figure with its scale and unit, and nothing else: "1 milliard de dollars"
_FIGURE_ONLY = re.compile(
    rf"^(pres de |environ |plus de |moins de |about |nearly |over )?(\$|€|£)?\s?[\d\s.,]+\s?"
    rf"((millions?|milliards?|billions?|mille|thousand)\s?)?((de |d'|of )?({_CURRENCY}|mm|km|%))?$"
)
# "des millions", "centaines", "plusieurs milliers de": how many, not what sort
_QUANTITY_ONLY = re.compile(
    r"^((des|de|plusieurs|quelques|several|hundreds|thousands|millions)\s+)?"
    r"([\d\s.,]+|millions?|milliers?|centaines?|dizaines?|douzaines?|hundreds?|thousands?)"
    r"(\s+(de|d|of))?$"
)


def _holder_fits(span: str, question: str, sentence: str) -> bool:
    """Someone new, of the nation asked, presented with the role asked: not a
    group for "quel chef", not "le président Joe Biden" for "which senator"."""
    s = fold(span)
    if places.only_institutions(span) or places.only_places(span):
        return False  # "which US official" -> someone, not "Maison Blanche"
    if not _new_place_names(span, question) or _other_nation(
        "holder", question, _presented_nations(span, sentence)
    ):
        return False
    holder = _HOLDER.search(fold(question))
    role, asked = holder.group("role"), holder.group(0).rstrip()
    one = re.match(r"\W*(quel|quelle|which|what) ", asked) and not asked.endswith("s")
    if one and re.match(r"\W*(les|des|ces|leurs)\b", s):
        return False  # "quel chef" is one person, not "les chefs de la défense"
    if role in _ANYONE or (role in _GENERIC_ROLES and _SPEECH_Q.search(straight(question))):
        # "quel dirigeant américain" -> "Biden", "quel responsable a estimé que…"
        # -> "Milley a déclaré…": a name is enough
        return True
    stems = _ROLE_STEMS[role]
    titles = fold(" ".join(w for w in span.split() if not w[:1].isupper()))  # not "Le Maire"
    if (
        role not in _GENERIC_ROLES
        and _ANY_ROLE.search(titles)
        and not re.search(rf"\b({stems})", titles)
    ):
        return False  # "which senator" -> "le président Joe Biden"
    if role in _GENERIC_ROLES and _ANY_ROLE.search(fold(sentence)):
        return True  # "quel haut responsable" -> "Rob Bauer", "président du Comité militaire"
    return bool(re.search(rf"\b({stems})", fold(sentence or span)) or _ANY_ROLE.search(s))


def presents_role(question: str, span: str, passage: str) -> bool:
    """For a question asking who holds a titled role ("quel porte-parole de la
    diplomatie russe"), does the passage present the span's name with that
    role, within 60 characters of one of its mentions? "le ministre russe de
    la Défense Sergueï Choïgu" is no spokesman because the sentence also
    names "le porte-parole … John Kirby". Generic roles ("quel responsable")
    and spans with no name pass."""
    holder = _HOLDER.search(fold(question))
    if holder is None:
        return True
    role = holder.group("role")
    names = [w for w in re.findall(r"[^\W\d_][\w-]*", span) if w[:1].isupper()]
    stems = _ROLE_STEMS.get(role, "")
    if role in ("homologue", "counterpart"):
        stems = _counterpart_role(fold(question)[holder.end() :])
    elif role in _ANYONE or role in _GENERIC_ROLES:
        stems = ""
    if not stems or not names:
        return True
    return any(
        re.search(rf"\b({stems})", fold(passage[max(0, m.start() - 60) : m.end() + 60]))
        for m in re.finditer(re.escape(names[-1]), passage)
    )


# What follows the role in a French question and says whose it is: "le
# porte-parole du Kremlin", "le secrétaire général adjoint de l'Otan", "le
# président de la Corée du Sud", up to a verb, a relative or a comma
_COMPLEMENT = re.compile(
    r"^\s*((general|generale|adjoint|adjointe|russe|americain|americaine|\w+ien|\w+ienne)\s+)*"
    r"(?P<c>((de la|du|des|de)\b|de l['’]|d['’])\s*[^,?;:]*?)"
    r"(?=\s+(qui|que|dont|ou|a|ont|est|sont|etait|doit|lors|pendant|au cours|selon|a-t-il|"
    r"a-t-elle|s'est|,)\b|[,?;:]|$)"
)


@dataclass(frozen=True)
class Complement:
    """What says whose role a question asks about: "adjoint" before the
    complement, its names, and the countries it names."""

    qualifiers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    role: str = ""  # the role's word, folded ("porte-parole")


def role_complement(question: str) -> Complement | None:
    """The complement of the role a French question asks the holder of: "le
    porte-parole du Kremlin", "le secrétaire général adjoint de l'Otan", "le
    président de la Corée du Sud"; its capitalised words are the names."""
    folded = fold(question)
    holder = _HOLDER.search(folded)
    m = holder and _COMPLEMENT.match(folded[holder.end() :])
    if not m or len(folded) != len(question):
        return None
    at = holder.end()
    original = question[at + m.start("c") : at + m.end("c")]
    capitals = " ".join(w for w in re.findall(r"[^\W_]+", original) if w[:1].isupper())
    names = tuple(
        w
        for w in _words(capitals)
        # "chef d'État-major" is one role
        if w not in places.GENERIC_WORDS and w not in ("etat", "major")
    )
    qualifiers = tuple(w for w in _words(folded[at : at + m.start("c")]) if w.startswith("adjoint"))
    # "du ministère japonais de la Défense": the nation an adjective names too
    nations = places.countries(original) | places.sure_demonym_nations(original)
    if not names and not qualifiers and not nations:
        return None
    return Complement(qualifiers, names, frozenset(nations), holder.group("role"))


def names_complement(c: Complement | None, sentence: str, passage: str) -> bool:
    """The sentence says "adjoint" and names the complement's countries
    ("le président de la Corée du Sud" is not "le président Donald Trump"),
    and the passage its names (by their first five letters, or as the nation
    a country word names): "le porte-parole du Pentagone" is not answered by
    the National Security Council's, nor "le secrétaire général adjoint" by
    the secretary general. The names may be in the passage only: "le
    directeur de l'équipe de Jean Stablinski" -> "il" in the sentence."""
    if c is None:
        return True
    said = {w[:5] for w in _words(sentence)}
    written = {w[:5] for w in _words(passage)}
    nations = places.any_nations(sentence)
    return (
        all(q[:5] in said for q in c.qualifiers)
        and c.countries <= nations
        and all(w[:5] in written or places.word_nations(w) & nations for w in c.names)
        and _own_complement_nations(c, sentence)
    )


def _own_complement_nations(c: Complement, sentence: str) -> bool:
    """Where the sentence gives the role a complement of its own ("le
    porte-parole du Conseil de sécurité nationale, John Kirby"), it names the
    question's nations: the Ukrainian army's spokesman is not the National
    Security Council's, though the sentence speaks of Ukraine further on."""
    if not c.countries or not c.role:
        return True
    own, folded = [], fold(sentence)
    for m in re.finditer(rf"\b{re.escape(c.role)}s?\b", folded):
        after = _COMPLEMENT.match(folded[m.end() :])  # as `role_complement` reads the question's
        if not after:
            return True  # "le porte-parole John Kirby": nothing says whose
        text = sentence[m.end() + after.start("c") : m.end() + after.end("c")]
        own.append(places.any_nations(text) | places.sure_demonym_nations(text))
    return not own or any(c.countries <= n for n in own)


# Roles any official holds besides a title: "quel responsable" -> "le
# secrétaire d'État Antony Blinken"
_GENERIC_ROLES = frozenset(
    ("responsable", "official", "chef", "head", "officier", "officer", "homologue", "counterpart")
)

# "l'homologue ukrainien que les ministres de la Défense devaient rencontrer",
# "the counterpart of the defence secretaries": the counterpart holds their
# role (a minister is a secretary's counterpart); "l'homologue russe de Lloyd
# Austin" names no role, and anyone of that nation with one answers it
_COUNTERPARTS = {"minist": "minist|secret", "secret": "minist|secret"}
_OTHER_ROLE = re.compile(
    r"\b("
    + "|".join(sorted((w for w in _ROLE_STEMS if w not in _GENERIC_ROLES), key=len, reverse=True))
    + r")s?\b"
)


def _counterpart_role(rest: str) -> str:
    """The stems of the role whose counterpart the question asks, or ""."""
    m = _OTHER_ROLE.search(rest)
    if not m:
        return ""
    stems = _ROLE_STEMS[m.group(1)]
    return _COUNTERPARTS.get(stems, stems)


def _presented_nations(span: str, sentence: str) -> set[str]:
    """The nations the span names or, when it names none, those of the words
    that present it ("le ministre russe de la Défense Sergueï Choïgu",
    "l'amiral Rob Bauer des Pays-Bas")."""
    named = places.any_nations(span)
    at = sentence.find(span) if sentence else -1
    if named or at < 0:
        return named
    of = _nations_after(_ORIGIN, sentence, at + len(span))
    before = sentence[max(0, at - ROLE_WINDOW) : at]
    if at == 0 or SPEECH_VERB.search(straight(fold(before))[-25:]):
        return of  # "…, a affirmé Kirby": the words before are his quote
    return places.any_nations(before) | of


def _placed_in(span: str, sentence: str) -> set[str]:
    """The nation the sentence places the span in, right after it: "la
    région du Donbass en Ukraine"."""
    at = sentence.find(span) if span and sentence else -1
    return _nations_after(_PLACED_IN, sentence, at + len(span)) if at >= 0 else set()


def _nations_after(pattern: re.Pattern, sentence: str, end: int) -> set[str]:
    """The nations of the words `pattern` matches right after `end`."""
    m = pattern.match(sentence, end)
    return places.any_nations(m.group(1)) if m else set()


_PLACED_IN = re.compile(r",?\s+((?:en|au|aux|in)\s+[^,;:.()«»]{2,30})")
# where someone is from, right after the name: "Rob Bauer des Pays-Bas,"
_ORIGIN = re.compile(r"\s+((?:de la|de l['’]|du|des|de|d['’]|of|from)\s*[^,;:.()«»]{2,30})")


# "Quelle responsable nord-coréenne" is not answered by "le président russe
# Vladimir Poutine", nor "quelle ville russe" by "Téhéran": the nation that
# qualifies the role or the city, against the one the span names.


def _other_nation(kind: str, question: str, named: set[str], after: int = 1) -> bool:
    """The span names only other nations than the one qualifying the
    question's role or city ("which North Korean official", "Norway's defence
    minister", "quelle ville russe"), in the `after` words after it for a body
    ("quelle agence de renseignement américaine")."""
    if not named:
        return False
    asked = _asked_nations(kind, question, after)
    return bool(asked) and not (asked & named)


def nation_asked(kind: str, question: str) -> bool:
    """Does the question qualify the role, body or city it asks by a nation
    ("quelle agence de presse officielle nord-coréenne")?"""
    if kind not in ("holder", "body", "city", "part"):
        return False
    return bool(_asked_nations(kind, question, 3 if kind == "body" else 1))


def names_no_nation(passage: str) -> bool:
    """Does the passage name no nation at all, nor a seat of power ("… fil
    d'agence de presse syndiqué – PTI")? One naming some nation may leave the
    asked one implicit ("Which US general" -> "le général Mark Milley")."""
    folded = f" {' '.join(_words(passage))} "
    return not (
        any(f" {seat} " in folded for seat in places.SEATS)
        or places.any_nations(passage)
        or places.city_nations(passage)
    )


def _asked_nations(kind: str, question: str, after: int) -> set[str]:
    """The nations that qualify the question's role, body or city."""
    q = fold(question)
    m = (_HOLDER if kind == "holder" else _KIND_Q[kind]).search(q)
    if not m:
        return set()
    # the words of the match ("which north korean official") and the one
    # after ("quelle ville russe"; not "quelle ville les Portugais …")
    rest = q[m.end() :].split()
    if rest[:1] and re.fullmatch(r"de|du|des|d['’]\S*|of", rest[0]):
        after = max(after, 4)  # "quelle ville de l'Extrême-Orient russe"
    near = q[m.start() : m.end()] + " " + " ".join(rest[:after])
    if kind == "holder" and (c := _COMPLEMENT.match(q[m.end() :])):
        near += " " + c.group("c")  # "le chef d'état-major de l'armée nord-coréenne"
    asked = places.any_nations(near)
    if len(q) == len(question):  # fold kept the length: "US" read in the original case
        asked |= places.initials(question[m.start() : m.end()])
    return asked


# "Outre la Corée du Nord, quels pays…", "besides supplying drones, what else":
# the question sets something aside, which the reader's span often repeats.
_SETS_ASIDE = re.compile(
    r"\b(outre|hormis|en dehors (de|du|des|d)|a part|en plus (de|du|des|d)|excepte|sauf|"
    r"apart from|aside from|besides|"
    r"other than|except)\b"
)


def sets_aside(question: str) -> bool:
    return bool(_SETS_ASIDE.search(fold(question)))


def _aside(question: str) -> set[str]:
    """The words (of four letters or more) of what the question sets aside:
    "en dehors de la nourriture, que…" -> {"nourriture"}."""
    q = fold(question)
    m = _SETS_ASIDE.search(q)
    if not m:
        return set()
    phrase = re.split(r"[,;:?]", q[m.end() :])[0]
    return {w for w in _words(phrase) if len(w) > 3}


def leads_with_aside(span: str, question: str) -> bool:
    """The span leads with what the question sets aside ("la nourriture et
    d'autres produits" for "en dehors de la nourriture")."""
    lead = [w for w in _words(span) if len(w) > 3][:1]
    return bool(lead) and lead[0] in _aside(question)


def echoes(span: str, question: str) -> bool:
    """The span says nothing the question does not: its countries are the
    question's and its other words (of four letters or more) are too; or it
    leads with what the question sets aside (`leads_with_aside`)."""
    if leads_with_aside(span, question):
        return True
    qwords = set(_words(question))
    words = [w for w in _words(places.without_countries(span)) if len(w) > 3]
    named = places.countries(span)
    return (
        bool(named or words)  # "ni" says nothing, but repeats nothing either
        and named <= places.countries(question)
        and all(_in_question(w, qwords) for w in words)
    )


# "Qui représente les Pays-Bas…", "who will lead Ukraine's delegation": the
# person must be of the nation asked. "Le président ukrainien Volodymyr
# Zelensky" represents Ukraine, whatever the meeting; a name the sentence
# presents with no nation is left to the other checks.
_REPRESENTS_Q = re.compile(
    r"^\W*(qui|who)\b.*\b(represent\w*|(conduir|dirig|lead|head)\w* .{0,30}\bdelegation)"
)


def represents_another(question: str, span: str, sentence: str) -> bool:
    """Asked who represents a nation, the span is presented as of others only."""
    if not _REPRESENTS_Q.search(fold(question)):
        return False
    asked, named = places.any_nations(question), _presented_nations(span, sentence)
    return bool(asked and named) and not asked & named


# "Lequel des deux pays, la Chine ou l'Iran, …", "which of the two, Lee or
# Jones, …": the answer is one of the options, not a third thing ("Asie").
_CHOICE_Q = re.compile(
    r"\b(lequel|laquelle|lesquels|lesquelles|which(?: one)?) (des|of the) (deux|trois|two|three)"
    r"( \w+)?, (?P<a>[^,?]{1,40}) (ou|or) (?P<b>[^,?]{1,40}),"
)


def not_an_option(question: str, span: str) -> bool:
    """Asked to choose between named options, the span names none of them."""
    m = _CHOICE_Q.search(fold(question))
    if not m:
        return False
    options = [m.group("a"), m.group("b")]
    said = fold(span)
    return not any(
        any(w in said for w in _words(o) if len(w) > 2 and w not in STOPWORDS)
        or places.any_nations(o) & places.any_nations(span)
        for o in options
    )


# "Depuis quand…", "since when": the start of something still going on. "En
# juillet, la Corée du Nord est devenue…" dates an event, not a start; the
# span must follow (or open with) "depuis", "since", "à partir de", "dès".
_SINCE_Q = re.compile(r"\b(depuis quand|a partir de quand|since when)\b")
# read unfolded: folded, "dès" would be the article "des"
_SINCE = re.compile(r"\b(depuis|since|[àa] partir|dès|from)\b")


def no_start(question: str, span: str, sentence: str) -> bool:
    """Asked since when, the span is not the start the sentence gives."""
    if not _SINCE_Q.search(fold(question)):
        return False
    at = sentence.find(span)
    before = sentence[max(0, at - 25) : at] if at >= 0 else ""
    return not _SINCE.search(f"{before} {span[:15]}".lower())


# --- the speaker check -------------------------------------------------------------
#
# News sentences name their source: "…, a déclaré Kirby", "Milley a déclaré
# que…", "selon Stoltenberg". The reader, asked "qui dirigeait le groupe ?" or
# "who won the World Cup?", often takes that source for the answer when the
# passage does not hold one. Unless the question asks who said something, a
# span whose names are only the sentence's speakers answers nothing.

_SPEECH = speakers.SPEECH
_SAID = r"(said|says|told|added|stated|noted|warned|explained|announced|confirmed|insisted)"
SPEECH_VERB = re.compile(
    rf"\b((a|ont|avait|avaient)(-t)?(-(il|elle|ils|elles|on))?\s+{_SPEECH}|"
    rf"s'est (dit|dite|montre)|{_SAID})\b"
)
_SPEECH_Q = re.compile(
    r"\b(declar|dit\b|dire\b|disait|affirm|annonc|indiqu|expliqu|estim|assur|precis|"
    r"soulign|ajout|averti|prevenu|selon|d'apres|confi|rapport|said|say|tell|told|stat|"
    r"according|warn|quot|cite|source|qualifi|decri|describ|revel|reveal|disclos|divulg)"
)
# a question that quotes the words it asks about: « pays désespéré »
_QUOTE_Q = re.compile(r"[«“\"][^»”\"]{3,}[»”\"]")


# "Jens Stoltenberg a plaidé mercredi": the day he spoke, which answers when
# he said it, not when his term ends.
_SPOKE = rf"({_SPEECH}\w*|plaide|demande|appele|salue|exhorte|reclame)"
# other ways a question asks when something was made known
_TELLS = (
    r"fait etat|faire etat|evoqu|mention|revel|reveal|report|publi|communiqu|accus|nie|"
    r"deny|denied"
)
# "a déclaré en août", "selon un reportage de CNN mercredi": the month or
# day it was said or reported, not when what was said happened
_SAID_ON = re.compile(
    rf"\b(a|ont|avait|avaient)\s+([\w-]+\s+)?{_SPOKE}\s+((en|le|ce|in|on)\s+)?"
    rf"(?P<day>{WEEKDAY}|{_MONTH})\b|"
    rf"\b{_SAID}(\s+(on|in))?\s+(?P<day_en>{WEEKDAY}|{_MONTH})\b|"
    rf"\b(selon|d'apres|according to)\s+([\w'-]+\s+){{1,5}}?(?P<source_day>{WEEKDAY})\b"
)
# the question's own verb: up to its inverted subject ("Quand l'Iran
# prévoit-il de livrer…"); the rest may name a report as a thing ("les
# missiles évoqués dans le reportage de CNN")
_ASKING_VERB = re.compile(r"^[^?]*?\w-(t-)?(il|elle|ils|elles|on)\b(\s+[\w']+){0,2}")


def _said_that_day(span: str, sentence: str, question: str) -> bool:
    """The span is only the weekday or month on which the sentence's speaker
    spoke or its source reported, and the question does not ask about
    speaking."""
    day = fold(span).strip(" .,").split()
    if not sentence or not day or len(day) > 2:
        return False
    if not re.fullmatch(f"{WEEKDAY}|{_MONTH}", day[-1]):
        return False
    spoke = {
        m.group("day") or m.group("day_en") or m.group("source_day")
        for m in _SAID_ON.finditer(straight(sentence))
    }
    q = straight(question)
    verb = _ASKING_VERB.match(q)
    if verb:
        q = verb.group(0)
    return day[-1] in spoke and not (_SPEECH_Q.search(q) or re.search(rf"\b({_SPOKE}|{_TELLS})", q))


# "When did Zelensky last visit" is not answered by "la semaine prochaine",
# nor "quand doit-il partir" by "la semaine dernière".
_PAST_Q = re.compile(
    r"\b(did|was|were|has|have|had|(a|ont|avait|avaient|est|sont)-t?-?(il|elle|ils|elles)|"
    r"s.(est|etait)-(il|elle))\b"
)
_FUTURE_Q = re.compile(
    r"\b(will|shall|is due|are due|(doit|doivent|devra|devront|va|vont|sera|seront)-t?-?"
    r"(il|elle|ils|elles))\b"
)
_PAST = re.compile(r"\b(dernier|derniere|derniers|dernieres|hier|last|yesterday|ago|il y a)\b")
_FUTURE = re.compile(r"\b(prochain|prochaine|prochains|prochaines|demain|next|tomorrow)\b")


# the verb just before a time: "Milley assistera mardi", "a été adoptée cette
# année"; a question about what happened ("À quand remonte la dernière
# rencontre") is not answered by what will, nor "doivent-elles arriver" by
# what was done
_REMOTE_Q = re.compile(r"\b(remonte|remontent|remontait|derniere fois|last time)\b")
_FUTURE_BEFORE = re.compile(r"\b(\w{3,}(ra|ront)|(va|vont|doit|doivent|will) \w+)\s+$")
_PAST_BEFORE = re.compile(
    r"\b((a|ont|avait|avaient) (ete )?\w+(e|es|s|i|is|u|us|t)|(has|have|had) (been )?\w+ed|"
    r"(was|were) \w+ed)\s+$"
)


def _verb_of_another_tense(span: str, sentence: str, question: str) -> bool:
    """The verb just before the span is in the future for a question about
    the past, or in the past for one about the future."""
    text, q = fold(sentence), fold(question)
    at = text.find(fold(span))
    if at < 0:
        return False
    before = text[max(0, at - 40) : at]
    past = bool(_PAST_Q.search(q) or _REMOTE_Q.search(q))
    future = bool(_FUTURE_Q.search(q))
    return (past and not future and bool(_FUTURE_BEFORE.search(before))) or (
        future and not past and bool(_PAST_BEFORE.search(before))
    )


def _other_tense(span: str, question: str) -> bool:
    """A past question answered by "next week", or a future one by "last week"."""
    q, s = fold(question), fold(span)
    past, future = bool(_PAST_Q.search(q)), bool(_FUTURE_Q.search(q))
    return (past and not future and bool(_FUTURE.search(s))) or (
        future and not past and bool(_PAST.search(s))
    )


# "Milley pense-t-il que … sera déterminant ?", "Does the package include …?":
# asked yes or no, with no word that asks for a fact ("comment", "à qui",
# "quoi") nor a choice ("… ou …", "before or after"). The reader's best span in
# the passage that answers such a question is a fact of it ("152 mm"), not the
# answer: the sentence is.
_ASKS_A_FACT = re.compile(
    r"\b(quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|quand|comment|pourquoi|"
    r"combien|quoi|ou|who|whom|whose|what|which|where|when|why|how|or)\b|"
    r"(^|[,:;]\s*)(qui|que|qu')\b|"
    r"\b(a|de|d'|sur|pour|malgre|vers|devant|selon|apres|avec|par|contre|sous|dans|chez|"
    r"aupres) qui\b"
)
_INVERTED_SUBJECT = re.compile(r"\w-(t-)?(il|elle|ils|elles|on)\b|^\W*est-ce qu")
_AUXILIARY_FIRST = re.compile(
    r"^\W*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|"
    r"must)\b"
)


def asks_yes_no(question: str) -> bool:
    """Is the question asked yes or no, with no fact nor choice asked?"""
    q = straight(question)
    return not _ASKS_A_FACT.search(q) and bool(
        _INVERTED_SUBJECT.search(q) or _AUXILIARY_FIRST.search(q)
    )


def straight(text: str) -> str:
    """Folded, with typographic apostrophes straight, as the frames expect."""
    return fold(text).replace("’", "'")


# the rest of a full name after one of its words ("John" of "John Kirby")
_REST = r"(?:\s+(?!(?:et|and|ou|or|a|ont|has|had)\b)[\w-]+){0,2}"


def _speaker_frames(name: str) -> re.Pattern:
    n = re.escape(name)
    return re.compile(
        # "Milley a déclaré", "Le porte-parole, John Kirby, a détaillé"
        rf"\b{n}{_REST},?\s+((a|ont|avait|avaient)\s+{_SPEECH}|(has |had )?{_SAID})\b|"
        # "…, a déclaré (mercredi) (le général) Kirby", "…, said Kirby"
        rf"\b((a|ont|avait|avaient)(-t-(il|elle))?\s+{_SPEECH}|{_SAID})\s+"
        rf"((?!(a|au|aux|to)\b)[\w-]+\s+){{0,3}}{n}\b|"  # not "a déclaré à Fox News"
        rf"\b(selon|d'apres|according to)\s+(\w+\s+){{0,2}}{n}\b"
    )


def _presented(name: str, sentence: str, question: str) -> bool:
    """The sentence presents the name with words of the question ("Seth
    Jones, directeur du programme de sécurité…" for "qui dirige le
    programme…"): then it is an answer, whatever else it said."""
    n = re.escape(name) + _REST
    after = re.search(rf"\b{n}\s*,((\W*\w+){{1,8}})", sentence)
    if after and re.match(r"\s*(a|ont|avait|avaient|has|had)\s", after.group(1)):
        after = None  # "John Kirby, a détaillé…": the speech itself, no title
    # or in an apposition before it: "Le directeur du programme, Seth Jones,
    # a déclaré" (one clause, not a quote's end: "…», a affirmé Kirby, …")
    before = re.search(rf"([^,;:«»“”\"]{{1,80}}),\s*(?:\w+\s+){{0,2}}{n}\s*,", sentence)
    q = {w[:5] for w in _words(question) if len(w) >= 5}
    return any(w[:5] in q for m in (after, before) if m for w in _words(m.group(1)) if len(w) >= 5)


def only_speakers(span: str, sentence: str, question: str) -> bool:
    """Is every new name of the span (countries aside) the sentence's speaker
    ("Kirby" in "…, a déclaré Kirby"), for a question that does not ask who
    said what?"""
    if (
        _SPEECH_Q.search(straight(question))  # "D’après CNN, …"
        or _QUOTE_Q.search(question)
        or speakers.asks_speaker(question)
    ):
        return False
    names = _new_place_names(span, question)
    if not names:
        return False
    sent = straight(sentence)
    return all(
        _speaker_frames(fold(n)).search(sent) and not _presented(fold(n), sent, question)
        for n in names
    )


# "d'après l'armée sud-coréenne": who told it, which answers "selon qui / according
# to whom", not why a missile was fired or how Seoul reacted. The reader quoted
# such an attribution when no passage held the reason asked.
_ATTRIBUTION = r"(d'apres|selon|according to|as reported by|cite par)"
_SOURCE_SPAN = re.compile(rf"^\W*{_ATTRIBUTION}\b")
_SOURCE_Q = re.compile(
    r"\b((selon|d'apres) (qui|quel(le)?s?)|according to (whom|which|what)|sources?|whose|"
    r"quel(le)?s? (medias?|journa(l|ux)|organes?)|"
    r"(which|what) (\w+ )?(outlets?|medias?|newspapers?))\b"
)


_SOURCE_BEFORE = re.compile(rf"\b{_ATTRIBUTION}\W*$")  # "… d'après" + the span


def only_source(span: str, question: str, sentence: str = "") -> bool:
    """Is the span only the attribution of what the sentence reports ("d'après
    l'armée sud-coréenne", or "l'armée sud-coréenne" after "d'après" in the
    sentence), for a question that asks neither who said it nor a source?"""
    s, sent = straight(span), straight(sentence)
    at = sent.find(s) if s else -1
    attribution = _SOURCE_SPAN.search(s) or (at > 0 and _SOURCE_BEFORE.search(sent[:at]))
    return bool(
        attribution
        and not _SOURCE_Q.search(straight(question))
        and not speakers.asks_speaker(question)
    )


# "En Norvège, les chefs de la défense de l'OTAN donneront suite…": the
# country that opens a sentence sets the scene. The reader quoted it for
# which country is on Milley's list, which one opens or closes it, which
# Indo-Pacific country: it answers only where something happens or who hosts.
_SETTING = re.compile(r"^\W*(en|a|au|aux|in|at)\s+([^,]+),")
_WHERE_Q = re.compile(  # on the question unfolded: "où" is no "ou"
    r"\b(où|d'où|dans quel(le)? (pays|ville|région)|en quel pays|where|"
    r"in (which|what) (country|city)|accueil\w*|hôte|hosts?|hosting)\b"
)


def only_setting(span: str, sentence: str, question: str) -> bool:
    """Is the span a country named only as the sentence's opening setting,
    for a question that asks neither where nor who hosts?"""
    m = _SETTING.match(straight(sentence))
    if not m or not places.countries(span) or _WHERE_Q.search(question.lower().replace("’", "'")):
        return False
    s = straight(span).strip()
    own = _SETTING.match(f"{s},")  # the span "En Norvège" itself
    return m.group(2).strip() in (s, own and own.group(2).strip())


# "Qu'a offert Kim Jong Un à Poutine ?", "what did the administration do in
# response…": what was given or done, which a purpose ("pour discuter d'un
# éventuel accord", "pour fournir un soutien technique") is not; the reader
# quoted one when no passage said. Not "pour avoir postulé…" (a reason
# reproached) nor "pour de larges réductions" (what is called for).
_WHAT_Q = re.compile(r"^\W*(qu['’]|que\b|what\b)")
_PURPOSE = re.compile(
    r"^\W*(pour\s+|afin\s+d(e\s+|['’])|in order to\s+|so as to\s+)"
    r"(?!(avoir|etre|notre|votre|autre|premier|dernier)\b)[a-z]+(er|ir|re|oir)\b"
)


# "What does Russia hope to strengthen…", "que cherche à renforcer Moscou":
# the question asks the object of an intended act, which a purpose clause
# holds after its verb ("pour renforcer sa base industrielle de défense")
_INTENT_Q = re.compile(
    r"\b(hop\w*|want\w*|seek\w*|sought|aim\w*|tr(y|ies|ied)|plan\w*|intend\w*|look\w*) to \w+|"
    r"\b(cherch\w*|veu\w*|voul\w*|esper\w*|souhait\w*|compt\w*|vis\w*|tent\w*|entend\w*) "
    r"(a |d')?\w+(er|ir|re)\b"
)


def purpose_object(question: str, span: str) -> int:
    """Where, in a purpose span answering a what-question (`only_purpose`),
    the object of its verb begins when the question asks the object of an
    intended act; 0 when it does not."""
    q, s = fold(question), fold(span)
    if not (_WHAT_Q.search(q) and _INTENT_Q.search(q)):
        return 0
    m = _PURPOSE.search(s)
    if not m or len(s) != len(span):
        return 0
    rest = span[m.end() :]
    return m.end() + len(rest) - len(rest.lstrip()) if rest.strip() else 0


def is_aim_span(span: str) -> bool:
    """Does the span open with an aim ("pour discuter…", "in order to…")?"""
    return bool(_PURPOSE.search(fold(span)))


def only_purpose(question: str, span: str) -> bool:
    """Is the span a purpose ("pour discuter…") answering a what-question?"""
    return bool(_WHAT_Q.search(fold(question))) and bool(_PURPOSE.search(fold(span)))


# "Dans quel but…", "à quelle fin…", "to what end…" ask an aim, which a cause
# ("en raison de leurs programmes nucléaires") is not: the span is told as an
# aim when it opens with one ("pour…", "afin de…") or a word of aiming comes
# shortly before it ("dans une tentative d'encourager le dirigeant à
# abandonner…", "afin de durer…"). "Pourquoi" asks either.
_AIM_Q = re.compile(
    r"\b(dans (quel|quels) (but|objectifs?)|a quelles? fins?|"
    r"for what purposes?|to what end|with what (aim|purpose|goal)|what for)\b"
)
_AIM = re.compile(
    r"\b(pour|afin|(le|pour|un) but|en vue|visant|vise|viser|objectif|destine\w*|tentative|"
    r"in order|aim\w*|purpose|goal|intended|attempt|effort|bid|so as|so that)\b"
)
_AIM_WINDOW = 80  # characters before the span: "une tentative infructueuse d'encourager X à"
# English "to" is everywhere: only right before the span ("… to boost its defence base")
_TO = re.compile(r"\bto\s*$")


def asks_aim(question: str) -> bool:
    return bool(_AIM_Q.search(fold(question)))


def told_as_aim(span: str, sentence: str) -> bool:
    """Does the sentence tell the span as an aim? A span not found in it is
    left to the other checks."""
    s, folded = fold(span), fold(sentence)
    if _AIM.match(s.lstrip(" '\"«“")) or re.match(r"\W*to\b", s):
        return True
    at = folded.find(s)
    before = folded[max(0, at - _AIM_WINDOW) : at]
    return at < 0 or bool(_AIM.search(before) or _TO.search(before))


# "Le pays qui a envoyé du personnel en Crimée a aussi entraîné qui ?", "what
# did the country that Kirby says is disguising its shipments fire…?": the
# question describes a country to ask something else of it, and the reader
# quoted the country ("l'Iran", "Corée du Nord"), which the description
# already gives. A question asking which country is described is another.
_COUNTRY_DESCRIBED = re.compile(
    rf"\b(le|du|au|the|this) ({COUNTRY_NOUNS})( [\w-]+){{0,2}},? (qui|that|which|whose|dont)\b"
)
_IS_THE_COUNTRY = re.compile(r"\b(est|sont|etait|is|are|was|were) (le|the) (pays|country|nation)\b")


def only_described(question: str, span: str) -> bool:
    """Is the span only the country the question describes to ask another thing?"""
    q = fold(question)
    if (
        not _COUNTRY_DESCRIBED.search(q)
        or asked(question) == "country"
        or _IS_THE_COUNTRY.search(q)
    ):
        return False
    rest = [w for w in _words(places.without_countries(span)) if len(w) > 3]
    return bool(places.countries(span)) and not rest


# --- the figures of the question ----------------------------------------------------
#
# "Quel montant l'Otan a-t-elle consacré aux munitions de 152 mm ?" is not
# answered by the credit line "pour des munitions de 155 mm", nor "en 2022" by
# the 2023 package: a passage that lacks a figure the question states is about
# another fact. Only figures of three digits or more (years, calibres,
# amounts): "en 55" for 1955 or "moins de 10 %" for "22 des 216" are
# paraphrases; and not those inside a name ("GAZ-69", "News18").
_QUESTION_FIGURE = re.compile(r"(?<![\w.,-])\d{3,}(?![\w.,]\d)")
# "1 200", "1\u202f200": one figure, however its thousands are spaced
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")


# A question that compares two facts, joins them or sets one aside ("lequel
# est le plus élevé : … ou la ligne de 155 mm", "à la fois proposé … et conclu
# un accord de 325 millions", "différent des obus de 152 mm", "outre les 152
# mm": `sets_aside`) states figures of other passages than the one that answers.
_COMPARED = re.compile(
    r"\b(le|la|les) plus (eleve|grand|important|gros|faible|petit)e?s?\b|\bplus (eleve|grand|"
    r"important|gros|faible|petit)e?s? que\b|\b(larger|bigger|higher|greater|smaller|lower)\b|"
    r"\bdifferent(e|es|s)?\b|\bautres? que\b|\bunlike\b|\ba la fois\b|"
    r"\bboth\b"
)


# "le président américain qui, selon Fox News Digital, a conclu avec Zelensky
# un accord de 325 millions de dollars": a figure in a clause that tells who
# is meant belongs to another fact than the one asked, often of another passage
_DESCRIBED = re.compile(
    rf"\b({PERSON_NOUNS}|{COUNTRY_NOUNS})\w*( [\w-]+){{0,2}}\s*,?\s+"
    r"((avec|pour|chez|contre|with|for|against) )?(qui|dont|who|whose|whom|lequel|laquelle)\b[^?]*|"
    # or which article is meant: "according to the Fox News Digital piece
    # that mentions the $325 million deal"
    r"\b(article|piece|report|story|dispatch|depeche|reportage|papier)s?( [\w-]+){0,2}\s*,?\s+"
    r"(qui|dont|ou|that|which|where)\b[^?]*"
)


def figures(question: str) -> set[str]:
    """The question's own figures of three digits or more, none for a question
    that compares, joins or sets aside facts, nor those of a clause telling who
    is meant."""
    folded = fold(question)
    if _COMPARED.search(folded) or sets_aside(question):
        return set()
    return set(_QUESTION_FIGURE.findall(_THOUSANDS.sub("", _DESCRIBED.sub(" ", folded))))


def names_numbers(need: set[str], passage: str) -> bool:
    """Does the passage hold every figure in `need` (the question's `figures`)?"""
    return not need or need <= set(re.findall(r"\d+", _THOUSANDS.sub("", passage)))


# --- a thing asked, a place answered ---------------------------------------------------
#
# "Quelles infrastructures les ouvriers aideraient-ils à reconstruire…" read
# "la Russie" of "les territoires occupés par la Russie"; "quelles options de
# riposte…" read "Pyongyang". A country or a city alone names a place, an
# actor, or an event held there ("le sommet de Vilnius"), not a thing.
_THING_Q = re.compile(
    r"^\W*(?:(?:selon|d'apres|according to)[^,]*,\s*)?"
    r"(?:(?:a|au|aux|dans|en|sur|at|in|on|to|from|into)\s+)?(?:quel(?:le)?s?|which|what)\s+"
    r"(?P<words>[\w-]+(?:\s+[\w-]+){0,2})"
)
_BE = frozenset("est sont etait etaient sera seront fut is are was were will".split())
_PLACE_OR_ACTOR = re.compile(
    r"(?:pays|etats?|nations?|capitales?|villes?|regions?|lieux?|endroits?|allies?|partenaires?|"
    r"voisins?|fournisseurs?|acheteurs?|clients?|destinations?|membres?|puissances?|camps?|"
    r"regimes?|gouvernements?|territoires?|republiques?|cotes?|origines?|provenances?|sites?|"
    r"bases?|zones?|fronts?|frontieres?|soutiens?|acteurs?|belligerants?|adversaires?|ennemis?|"
    r"rivaux|rival|beneficiaires?|donateurs?|contributeurs?|intermediaires?|signataires?|"
    r"exportateurs?|importateurs?|equipes?|noms?|localites?|emplacements?|sieges?|quartiers?|"
    r"sommets?|reunions?|rencontres?|conferences?|forums?|groupes?|formats?|accords?|traites?|"
    r"countr(?:y|ies)|states?|capitals?|cit(?:y|ies)|places?|locations?|ally|partners?|"
    r"neighbou?rs?|suppliers?|buyers?|members?|powers?|sides?|governments?|territor(?:y|ies)|"
    r"supporters?|backers?|venues?|hosts?|areas?|towns?|ports?|actors?|teams?|names?|"
    r"summits?|meetings?|groups?|talks|agreements?|treat(?:y|ies)|"
    r"parties|party|participants?|protagonistes?|organisations?|organizations?|institutions?|"
    r"iles?|islands?|evenements?|events?)$"
)


def place_for_thing(question: str, span: str) -> bool:
    """Is the span only countries or cities, for a question that asks which
    thing ("quelles infrastructures", "quelles options")?"""
    m = _THING_Q.match(straight(question))
    if m is None:
        return False
    words = m.group("words").split()
    if words[0] in _BE or any(_PLACE_OR_ACTOR.match(w) for w in words):
        return False
    return places.only_countries(span) or places.only_places(span)


# "Qui est l'auteur de l'article révélant…" read "John Kirby", whom the
# article quotes: who wrote it is in a byline ("Par X", "By X") or nowhere.
_AUTHOR_Q = re.compile(
    r"\b(?:(?:auteure?|autrice|redact(?:eur|rice)|authors?|writers?)\s+(?:de l'|du|de la|of the)\s*"
    r"(?:article|texte|depeche|papier|reportage|piece|story|report|dispatch)|"
    r"(?:a|ont) (?:ecrit|redige) (?:l'|le|la|cet|ce|cette)\s*(?:article|texte|depeche|papier)|"
    r"wrote the (?:article|piece|story|report))"
)
_BYLINE = (
    r"(?:par|by|signe par|written by|publiee? par|published by|posted by|"
    r"de notre (?:envoyee?|correspondante?))\s*:?\s+"
)


def asks_author(question: str) -> bool:
    """Does the question ask who wrote the article?"""
    return bool(_AUTHOR_Q.search(straight(question)))


def signs(span: str, passage: str) -> bool:
    """Does the passage sign its article with the span ("Par X", "X,
    journaliste")?"""
    s = re.escape(straight(span).strip())
    return bool(
        re.search(
            rf"{_BYLINE}{s}|{s},?\s+(?:journaliste|reporter|correspondant)", straight(passage)
        )
    )
