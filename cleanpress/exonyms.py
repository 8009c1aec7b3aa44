"""A small exonym table: names that translation changes beyond what phonetic keys absorb.

Countries (``Germany``, ``Almaniya``, ``Njemačka``, ``Німеччина``), their acronyms (``USA``,
``ABŞ``, ``SAD``, ``АҚШ``, ``США``), a few capitals and cities, months (lower-case in most
languages, so only counted next to a number, see :mod:`cleanpress.anchors`) and the scale words
of numbers (``thousand``, ``min``, ``мың``, ``тыс.``, ``million``, ``млрд``) in English,
Azerbaijani, Bosnian/Croatian/Serbian, Uzbek, Kazakh, Kyrgyz, Russian, Turkish, Turkmen, Tatar,
Ukrainian and Tajik.

Forms are written as the ASCII fold of the word (``anyascii``, lower case, letters only). A form
is a prefix, so it covers case endings (``almaniya`` matches ``Almaniyada``); a form ending in
``=`` must be the whole word (acronyms and short forms that would be prefixes of other words).

>>> exonym("Almaniyada"), exonym("Німеччини"), exonym("Germany")
('@de', '@de', '@de')
>>> exonym("ABŞ"), exonym("SAD"), exonym("USA"), exonym("АҚШ"), exonym("США")
('@us', '@us', '@us', '@us', '@us')
>>> exonym("червня"), exonym("Haziran"), exonym("lipnja")
('@m6', '@m6', '@m6')
>>> exonym("Putin") is None
True
"""
from __future__ import annotations

from functools import lru_cache

import regex
from anyascii import anyascii

_NOT_ASCII_LETTER = regex.compile(r"[^a-z]")

# canonical: forms (ASCII folds; "=" marks a whole word). Kept to names whose phonetic keys differ.
_TABLE = """
@us: usa= us= abs= aqsh= aksh= ssha= sad= abd= ima= amerik americ amrik amerig
@uk: uk= britan britain brita velikobritan
@eu: eu= es= ab= yes= ies= eo= eb= ia= evrop avrop yevrop europ ewrop yewrop ovrup aurop
@un: un= bm= bmt= oon= oun= bmm= uno= ujedinjen birlesmis
@de: german germaniy almani almany njemack nemack nemach nimech olmon
@ru: russi rossi rusiy rusij rusy resey ruseya rusiya rossiya orusiya
@cn: china chines chin= cin= kinu= kini= kinom= kinesk kina= kine kitay khitoy xitoy qytay kytay khytay hytay
@jp: japan yapon japon zhapon yapyon
@tr: turkey turkis turkiy turtsi turkiye turska turske turechchin turkiya turkie
@fr: franc frants fransi fransa faronsa
@it: italy itali
@es: spain ispan ispaniy shpaniy spani
@gr: greec grets yunanis grck grchk
@at: austri avstri avusturya
@ch: switzerland shveytsar isvicre svicarsk shveits
@nl: netherland niderland hollan gollan nizozemsk holandi
@be: belgi belgiy belcik
@pl: poland polsh polsk polyak polsha polshch poljsk
@ua: ukrain ukrayin ukrajin ukrayn
@by: belaru belorus bilorus
@kz: kazakh qazaq kazak qozog kazah gazak kazak
@uz: uzbek ozbek uzbek ozbek ozbekiston
@kg: kyrgyz qirgiz qyrgyz kirgiz kirgiz kyrgiz kirgis
@tj: tajik tojik tadzhik tacik tadjik tadzik tazhik
@tm: turkmen
@az: azerbai azerbaj ozarbay ozarbog
@ge: georgi gruzi gurcu gurjist gurji grusi sakartvel
@am: armeni ermeni armen hayastan
@ir: iran eron irana
@iq: iraq irak
@sy: syri suriy suriy siriy siri sirij
@il: israel isroil izrail israil
@af: afghan afgon afgan owgan
@pk: pakistan pokiston
@in: india hindist hindiston indij indiy
@eg: egypt misir misr egipt yegipet
@sa: saudi saud
@kp: korea kore koreya koreja
@mn: mongol mongoli mugal
@ca: canad kanad
@mx: mexic meksik meksika meksiko
@br: brazil brazil brezilya brazili brazil
@au: australi avstrali avustralya
@ie: ireland irland irsk
@se: sweden shvets isvec shvedsi svedsk shvedsk
@no: norway norveg norvesk norvek
@fi: finland finlyand finsk finlandiy
@dk: denmark daniy danij danimark dansk
@hu: hungar vengri madjar macar vengr
@cz: czech chekh chekhi cehija cek= chexi chexiy
@ro: romani rumyn rumun ruminiya
@rs: serbi sirbist srbij srbi
@hr: croati khorvat horvat hrvat xorvat
@ba: bosni bosn
@va: vatican vatikan
@wal: wales= uels uyels vels velsk gal= galler
@sco: scotland shotland iskocya skotsk shotlandiy
@eng: england angliy angli ingilter engles ingliz engl
@lon: london londra
@mos: moscow moskv moskov moskva maskav
@was: washingt vashingt vasingt vasint vashint
@ber: berlin
@par: paris parizh pariz
@kyi: kiev kyiv kiyev kyyiv kijev kiyiv
@bei: beijing pekin bejin beyjin
@brx: brussel bryussel bruksel brisel
@ist: istanbul stambul
@m1: january yanvar yanwar janvar ianuar januar sijecan sijecnj ocak gyynvar qangtar kangtar sichen sichn
@m2: february fevral fewral februar fevruar veljac veljace subat lyut aqpan akpan
@m3: march mart= marta= marte= martda= martta= martdan= ozujak ozujk ozujka nauryz berezen berezn
@m4: april aprel aprili travan travnj kviten kvitn sauir sawir nisan
@m5: may= mai= maia= maya= mae= maye= mayda= mayis mays= maj= maja= maju= svibanj svibnj traven travny mamyr
@m6: june jun= juna= junu= juni= iyun haziran lipan lipnj cherven chervn mausym
@m7: july jul= jula= julu= juli= iyul temmuz srpan srpnj lypen lypn shilde
@m8: august avgust avqust awgust agustos serpen serpn tamyz kolovoz
@m9: september sentyabr sentabr septemb rujan rujn veresen veresn qyrkuyek kyrkuyek eylul
@m10: october oktyabr oktabr oktob listopad zhovten zhovtn qazan= kazan= ekim=
@m11: november noyabr noyab novemb studen lystopad qarasha karasha kasim
@m12: december dekabr dekab decemb prosin hruden grudn zheltoqsan zheltoksan aralik
"""

# Scale words after a number: value multiplier by ASCII-folded prefix ("6 min 500" = 6500).
_SCALES = """
1000: thousand min= ming= myng= mun= meng= bin= tys= tis= tysyach tysiach tysyach tisyach tisuc tisuca hiljad khiljad hazor hazar khazor
1000000: million milyon milion millon miliun milijun mln= mil= milion= miljon milyonlar
1000000000: billion milyard milliard milyar mlrd= milijard milliard bln= mlrd
"""


def _parse(table: str) -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    prefix: dict[str, str] = {}
    for line in table.strip().splitlines():
        canonical, forms = line.split(":", 1)
        for form in forms.split():
            if form.endswith("="):
                exact.setdefault(form[:-1], canonical)
            else:
                prefix.setdefault(form, canonical)
    return exact, prefix


_EXACT, _PREFIX = _parse(_TABLE)
_SCALE_EXACT, _SCALE_PREFIX = _parse(_SCALES)
_MIN_PREFIX = 3  # shortest prefix looked up


def fold(word: str) -> str:
    """The ASCII fold of a word: transliterated, lower case, letters only.

    >>> fold("Тоқаев"), fold("Njemačkoj")
    ('toqaev', 'njemackoj')
    """
    return _NOT_ASCII_LETTER.sub("", anyascii(word).lower())


def _lookup(folded: str, exact: dict[str, str], prefix: dict[str, str]) -> str | None:
    if folded in exact:
        return exact[folded]
    for end in range(len(folded), _MIN_PREFIX - 1, -1):  # the longest matching prefix wins
        hit = prefix.get(folded[:end])
        if hit is not None:
            return hit
    return None


@lru_cache(maxsize=65536)
def exonym(word: str) -> str | None:
    """The canonical anchor (``@us``, ``@de``, ``@m6``) of a country, city or month name, or None."""
    return _lookup(fold(word), _EXACT, _PREFIX)


@lru_cache(maxsize=4096)
def scale(word: str) -> int | None:
    """The multiplier of a number scale word, or None.

    >>> scale("million"), scale("млрд"), scale("min"), scale("тыс."), scale("minutes")
    (1000000, 1000000000, 1000, 1000, None)
    """
    hit = _lookup(fold(word), _SCALE_EXACT, _SCALE_PREFIX)
    return int(hit) if hit else None


def is_month(anchor: str) -> bool:
    """Month anchors count only next to a number (``11 June``, ``June 2019``).

    >>> is_month("@m6"), is_month("@mos")
    (True, False)
    """
    return anchor[:2] == "@m" and anchor[2:].isdigit()
