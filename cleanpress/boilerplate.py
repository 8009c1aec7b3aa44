"""Strip site chrome (menus, sidebars, footers, widgets) from plain-text news pages.

The stripper works on lines. It never looks for a particular site: it finds the main content
block from line features (length, sentence punctuation, cue words, repetition), keeps the short
lines that belong to it (headline, subheadings, signature) and removes everything else, naming
the rule that removed each line.

Rules (the ``rule`` of each :class:`~cleanpress.document.Removal`):

``repeated-line``
    a short line that occurs ``min_repeat`` times or more (menu items, "Editorial" labels).
``duplicate-line``
    a later copy of a line that is kept elsewhere (the headline printed twice).
``navigation``
    chrome before the main content block: menus, logo, language switch, breadcrumbs.
``link-list``
    lists of headlines with date/time stamps and view counters, and those stamp lines.
``sidebar``
    a "most read" / "latest news" / "related" / "read also" heading and the block after it.
``widget``
    comment, share, log-in and subscribe prompts, social buttons, ad slot labels, counters.
``footer``
    chrome after the main content: contacts, copyright, all rights reserved, cite-the-source
    and advertising notices, lines promoting the site itself.
``attribution``
    a short line crediting another site ("according to X, Y reports") with a domain-like name.
``metadata-line``
    ``label: value`` lines and stamps: view counts, source URLs, archive notes, photo credits.
``markup``
    HTML or script residue that a scraper let through.
``line-model``
    a line the learned line model (:mod:`cleanpress.linemodel`) scores as chrome, with its score.
``outside-article``
    a line that may read as text but lies outside the page's one main run of text: a reader
    comment, a teaser or an author bio after the article, with the model's score.
``headline``
    not chrome: the headline above the article (with its kicker or subtitle), moved out of the
    text into the document's ``title`` (``headline="title"``, the default; see :func:`strip`).

The decision is split in two so that a learned model can replace the second half:
:func:`line_features` describes every line, :func:`decide` turns features into removals.
Cue words live in one table, :data:`CUE_WORDS`, and only count on short lines (8 to 12 words;
copyright and reuse notices up to 40), so that an article sentence containing "source" stays.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

import numpy as np
import regex

from cleanpress.config import HEADLINE_MODES
from cleanpress.document import Removal

if TYPE_CHECKING:
    from cleanpress.linemodel import LineModel, LineTable

__all__ = ["CUE_WORDS", "RULES", "CharCounts", "LineFeatures", "StripResult", "decide", "letters_only",
           "line_features", "line_features_and_counts", "strip", "strip_with_verdicts"]

RULES: frozenset[str] = frozenset(
    {
        "repeated-line",
        "duplicate-line",
        "navigation",
        "link-list",
        "sidebar",
        "widget",
        "footer",
        "attribution",
        "metadata-line",
        "markup",
        "line-model",
        "outside-article",
        "headline",
    }
)

# Cue words by category, in English, Russian, Azerbaijani, Turkish, Bosnian/Croatian/Serbian
# (Latin and Cyrillic), Uzbek (Latin and Cyrillic), Kazakh, German, French, Spanish, Portuguese
# and Italian. Matching is case-insensitive, on word boundaries; a trailing "*" lets the cue take
# suffixes (needed for agglutinative languages: "oxunan*" matches "oxunanları").
CUE_WORDS: dict[str, tuple[str, ...]] = {
    "copyright": (
        "all rights reserved", "copyright", "все права защищены", "все права сохранены",
        "bütün hüquqlar qorunur", "bütün hüquqları qorunur", "müəllif hüquqları qorunur",
        "tüm hakları saklıdır", "her hakkı saklıdır", "telif hakkı",
        "sva prava zadržana", "sva prava pridržana", "sva prava su zadržana", "сва права задржана",
        "barcha huquqlar himoyalangan", "барча ҳуқуқлар ҳимояланган", "mualliflik huquqi",
        "барлық құқықтар қорғалған", "alle rechte vorbehalten", "tous droits réservés",
        "todos los derechos reservados", "todos os direitos reservados",
        "tutti i diritti riservati",
    ),
    "reuse": (  # cite-the-source / reproduction notices
        "without permission", "may not be reproduced", "may not be published",
        "ссылка обязательна", "при использовании материалов", "перепечатка",
        "istinad etmək məcburidir", "istinad mütləqdir", "istinad edilməlidir",
        "kaynak gösterilmeden", "izinsiz kullanılamaz", "kaynak gösterilerek",
        "bez dozvole", "obavezno navesti izvor", "без дозволе", "обавезно навести извор",
        "manba ko'rsatilishi shart", "манба кўрсатилиши шарт", "сілтеме міндетті",
        "ohne genehmigung", "nachdruck", "reproduction interdite", "sans autorisation",
        "sin autorización", "prohibida la reproducción", "sem autorização",
        "proibida a reprodução", "riproduzione riservata", "senza autorizzazione",
    ),
    "advertising": (
        "advertisement", "advertising", "sponsored", "advertise with us", "реклама", "рекламы",
        "reklam*", "oglas*", "оглас*", "реклам*", "жарнама*", "anzeige", "werbung",
        "publicité", "publicidad", "publicidade", "anuncio", "anúncio", "pubblicità",
    ),
    "contacts": (
        "phone", "tel", "email", "e-mail", "contact us", "contacts", "editor-in-chief",
        "founder", "address", "телефон", "тел", "адрес", "контакты", "главный редактор",
        "учредитель", "telefon", "ünvan", "əlaqə", "baş redaktor", "təsisçi", "iletişim",
        "adres", "genel yayın yönetmeni", "kontakt*", "adresa", "glavni urednik", "impressum",
        "контакт*", "главни уредник", "manzil", "bosh muharrir", "манзил", "бош муҳаррир",
        "мекенжай", "бас редактор", "chefredakteur", "herausgeber", "téléphone",
        "rédacteur en chef", "mentions légales", "contacto", "teléfono", "aviso legal",
        "contato", "telefone", "editor-chefe", "expediente", "contatti", "telefono",
        "direttore responsabile",
    ),
    "sidebar": (  # most read / popular / latest news / related / read also
        "most read", "most popular", "most viewed", "popular", "latest news", "latest",
        "related", "related articles", "related stories", "related news", "more news",
        "other news", "read also", "also read", "read more", "see also", "recommended",
        "trending", "top stories", "you may also like", "more from", "more stories",
        "editor's picks", "don't miss",
        "самое читаемое", "самые читаемые", "популярное", "популярные", "последние новости",
        "новости по теме", "читайте также", "читать также", "смотрите также", "другие новости",
        "похожие новости", "по теме", "рекомендуем", "лента новостей", "материалы по теме",
        "ən çox oxunan*", "ən çox baxılan*", "populyar", "son xəbərlər", "digər xəbərlər",
        "oxşar xəbərlər", "bənzər xəbərlər", "həmçinin oxuyun", "həmçinin oxu", "xəbər lenti",
        "mövzu ilə bağlı",
        "en çok okunan*", "popüler", "son dakika", "son haberler", "ilgili haberler",
        "diğer haberler", "benzer haberler", "ilginizi çekebilir", "ayrıca okuyun",
        "najčitanije", "najnovije", "popularno", "povezane vijesti", "povezani članci",
        "vezane vijesti", "ostale vijesti", "još vijesti", "pročitajte i", "pročitajte još",
        "preporučujemo", "najčitanije vijesti",
        "најчитаније", "најновије", "популарно", "повезане вести", "прочитајте и",
        "остале вести", "још вести",
        "eng ko'p o'qilgan*", "ko'p o'qilgan*", "so'nggi yangiliklar", "boshqa yangiliklar",
        "mavzuga oid", "shuningdek o'qing", "энг кўп ўқилган*", "кўп ўқилган*",
        "сўнгги янгиликлар", "бошқа янгиликлар", "мавзуга оид", "шунингдек ўқинг",
        "көп оқылған*", "ең көп оқылған*", "соңғы жаңалықтар", "басқа жаңалықтар",
        "тақырыпқа қатысты", "сондай-ақ оқыңыз", "танымал",
        "meistgelesen*", "am meisten gelesen", "beliebt*", "neueste nachrichten",
        "aktuelle nachrichten", "weitere nachrichten", "das könnte sie auch interessieren",
        "auch interessant", "mehr zum thema", "lesen sie auch", "verwandte artikel",
        "ähnliche artikel", "empfohlen*", "weiterlesen", "zum thema",
        "les plus lus", "plus lus", "populaire*", "dernières nouvelles", "dernières infos",
        "à lire aussi", "lire aussi", "voir aussi", "articles similaires", "sur le même sujet",
        "autres articles",
        "más leídas", "más leído*", "lo más visto", "populares", "últimas noticias",
        "noticias relacionadas", "artículos relacionados", "lee también", "te puede interesar",
        "otras noticias", "ver también",
        "mais lidas", "mais lido*", "últimas notícias", "notícias relacionadas",
        "artigos relacionados", "leia também", "leia mais", "veja também", "outras notícias",
        "você pode gostar",
        "più letti", "più lette", "i più letti", "ultime notizie", "articoli correlati",
        "notizie correlate", "leggi anche", "potrebbe interessarti", "altre notizie",
    ),
    "widget": (  # comments / log in / share / subscribe / be the first / print
        "comment*", "leave a comment", "leave a reply", "post a comment", "add comment",
        "log in", "login", "sign in", "sign up", "register", "share", "share this", "tweet",
        "subscribe", "newsletter", "follow us", "be the first", "print", "reply",
        "click here", "continue reading", "facebook", "twitter", "whatsapp", "telegram",
        "instagram", "linkedin", "pinterest", "reddit", "youtube", "vkontakte", "google plus",
        "комментари*", "оставить комментарий", "войти", "вход", "авторизу*", "зарегистрир*",
        "поделиться", "подписаться", "подпишитесь", "будьте первым", "распечатать", "печать",
        "ответить",
        "şərh*", "daxil ol*", "qeydiyyat*", "paylaş*", "abunə ol*", "ilk cavab*", "ilk şərh*",
        "çap et", "bəyən*", "cavabla",
        "yorum*", "giriş yap", "üye ol", "kayıt ol", "abone ol", "ilk yorum*", "yazdır",
        "beğen*",
        "komentar*", "prijav*", "registr*", "podijeli*", "podeli*", "pretplati*",
        "budite prvi", "isprintaj", "štampaj", "коментар*", "пријав*", "подели*",
        "претплати*", "будите први",
        "izoh*", "fikr bildir*", "kirish", "ro'yxatdan o'tish", "ulashish", "obuna bo'l*",
        "birinchi bo'lib*", "изоҳ*", "кириш", "улашиш", "обуна бўл*", "биринчи бўлиб*",
        "пікір*", "кіру", "тіркелу", "бөлісу", "жазылу", "бірінші болып*",
        "kommentar*", "anmelden", "einloggen", "registrieren", "teilen", "abonnieren",
        "seien sie der erste", "drucken", "antworten",
        "commentaire*", "connexion", "se connecter", "s'inscrire", "partager", "abonnez-vous",
        "s'abonner", "soyez le premier", "imprimer", "répondre",
        "comentario*", "iniciar sesión", "regístrate", "compartir", "suscríbete",
        "suscribirse", "sé el primero", "imprimir", "responder",
        "comentário*", "comentar", "entrar", "cadastre-se", "compartilhar", "partilhar",
        "assine", "inscreva-se", "seja o primeiro",
        "accedi", "registrati", "condividi", "iscriviti", "abbonati", "sii il primo",
        "stampa", "rispondi",
    ),
    "metadata": (  # views / source / author / photo / tags / published / archive
        "views", "view count", "source", "author", "photo", "image", "credit", "tags",
        "published", "updated", "posted", "category", "archive*", "reading time",
        "просмотр*", "источник", "автор", "фото", "теги", "метки", "опубликовано",
        "обновлено", "рубрика", "архив*",
        "baxış*", "mənbə*", "müəllif", "foto", "teqlər", "kateqoriya", "yenilənib", "arxiv*",
        "görüntülenme", "okunma", "kaynak", "yazar", "fotoğraf", "etiketler", "kategori",
        "arşiv*",
        "pregleda", "pregledi", "izvor", "autor", "tagovi", "oznake", "objavljeno",
        "ažurirano", "kategorija", "arhiv*", "прегледа", "извор", "аутор", "објављено",
        "ko'rishlar", "manba*", "muallif", "surat", "teglar", "кўришлар", "манба*",
        "муаллиф", "сурат", "қаралым", "дереккөз", "жарияланды", "сурет",
        "aufrufe", "quelle", "bild", "schlagwörter", "veröffentlicht", "aktualisiert",
        "kategorie", "vues", "auteur", "crédit", "mots-clés", "publié", "mis à jour",
        "catégorie", "vistas", "visitas", "fuente", "etiquetas", "publicado", "actualizado",
        "categoría", "visualizações", "fonte", "atualizado", "categoria", "visualizzazioni",
        "autore", "pubblicato", "aggiornato",
    ),
    "attribution": (  # "according to X, Y reports"
        "according to", "reports", "reported", "citing", "via", "сообщает", "передает",
        "передаёт", "по данным", "со ссылкой на", "görə", "bildirir", "xəbər verir",
        "istinadən", "göre", "bildiriyor", "aktarıyor", "prenosi", "javlja", "prema",
        "преноси", "јавља", "према", "xabar beradi", "ko'ra", "хабар беради", "кўра",
        "хабарлайды", "сәйкес", "laut", "berichtet", "meldet", "zufolge", "selon",
        "rapporte", "d'après", "según", "informa", "de acuerdo con", "segundo",
        "de acordo com", "secondo", "riporta",
    ),
}

# Size limits: cue words only count on short lines, so an article sentence that happens to
# contain "source" or "share" is never cut.
SHORT_WORDS = 8  # widget, metadata, sidebar heading, contacts
HEADLINE_WORDS = (3, 30)  # fewest and most words of a headline kept above the article
SIGNATURE_WORDS = 12  # most words of a signature line kept below it
TITLE_LINES = 2  # headline and kicker (or subtitle): the nearest lines above the article the rules keep
BYLINE_LINES = 2  # signature and the author's title: the nearest lines below it the rules keep
ATTRIBUTION_WORDS = 12
NOTICE_WORDS = 40  # copyright, reuse and site-promo notices may be a long sentence
PATTERN_CHARS = 600  # pattern regexes only run on lines up to this length
REPEAT_WORDS = 10  # a line longer than this is a duplicate, never a "repeated-line"
HEADLINE_LINES = 2  # short lines kept just above the body
SIGNATURE_LINES = 2  # short lines kept just below the body
CONTEXT_SCAN = 4  # how many non-blank lines to look at around the body for those

# Scores for finding the main content block (a maximum-sum run of lines).
BARRIER_SCORE = -6.0  # sidebar headings, copyright: the body rarely runs across them
CHROME_SCORE = -1.0  # any other line caught by a pattern rule: interleaved, it is no border
SHORT_SCORE = -1.0  # a short line that is not a sentence: menu item, headline, label

# Pattern rules that name their lines by position: chrome before the body is navigation,
# after it footer.
POSITIONAL = "positional"
MODEL_RULE = "line-model"  # removed by the line model where no rule names the line
SPAN_RULE = "outside-article"  # removed for standing outside the article's run of text
HEADLINE_RULE = "headline"  # moved from the text into the title
# On text extracted from HTML, the rules that name chrome wherever it stands. Not repeated-line:
# after extraction a repeated short line is a list item of the article far more often than a menu.
EXTRACTED_TEXT_RULES = frozenset({"markup", "footer", "attribution", "sidebar", "link-list", "metadata-line", "widget"})
# On whole pages, rules whose hits are chrome whatever the model says.
SELF_EVIDENT_RULES = EXTRACTED_TEXT_RULES | {"repeated-line"}

_WORD = regex.compile(r"\w+(?:[-'’.]\w+)*")
_SENTENCE_END = regex.compile(r"[.!?…:;][\"'»”’)\]]*$")
_SENTENCE_MARK = regex.compile(r"[.!?…。！？](?=\s|$)")
_JUNK_CHARS = "/_={}<>|\\#"
_CAMEL_JOIN = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
_APOSTROPHES = regex.compile(r"[‘’ʻʼ`´]")
_DOMAIN = regex.compile(
    r"(?<![\w@-])(\p{L}[\p{L}\d-]*\.(?:com|net|org|info|biz|news|media|online|site|tv|io|[a-z]{2}))"
    r"(?![\p{L}\d])"
)
_NOT_LETTER = regex.compile(r"[^\p{L}]+")
_DOT_LETTER = regex.compile(r"\.[a-z]")  # where a top-level domain of _DOMAIN can start
_URL = regex.compile(r"(?:https?://|www\.)\S+")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\[email\s*protected\]")
_PHONE = regex.compile(r"(?<![\w+])\+?\d[\d ().-]{6,20}\d(?!\w)")
_COPYRIGHT_SIGN = regex.compile(r"©|\(c\)\s*\d{4}", regex.IGNORECASE)
_LABEL_VALUE = regex.compile(r"^[^:]{1,40}:\s*\S")
_DATE = regex.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|\d{1,2}\.?\s+\p{L}{3,12}\.?,?\s+\d{4}"
    r"|\p{L}{3,12}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
_MARKUP = regex.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]{0,200})?/?>|\{[^{}]{0,200}:[^{}]{0,200};")


# ---------------------------------------------------------------------------------------------
# Character counts, a page at a time
#
# Most line features count characters of some class (word characters, digits, junk). Counting
# them line by line with regexes and str methods costs a call per line and per class; instead,
# each character of the page gets class flags from a table, and the counts of every line are
# differences of running sums at the lines' bounds.

(_WORD_CHAR, _SPACE, _DIGIT_CHAR, _LETTER, _CAPITAL, _JUNK, _SENTENCE_MARK_CHAR, _WORD_JOINER,
 _LETTER_PROPERTY) = (1 << k for k in range(9))
_FLAG_PATTERNS = ((_WORD_CHAR, regex.compile(r"[^\w]")), (_SPACE, regex.compile(r"[^\s]")),
                  (_DIGIT_CHAR, regex.compile(r"[^\d]")),
                  (_LETTER_PROPERTY, regex.compile(r"[^\p{L}]")))  # what is not of the class, as regex sees it
_FLAG_SETS = ((_JUNK, _JUNK_CHARS), (_SENTENCE_MARK_CHAR, ".!?…。！？"), (_WORD_JOINER, "-'’."))
_TABLE_SIZE = 0x10000  # a table for the Basic Multilingual Plane; rarer characters are classified as they come


def _class_flags(chars: str) -> np.ndarray:
    r"""The class flags of each character: ``regex``'s ``\w``, ``\s``, ``\d`` and ``\p{L}`` (as in the
    line regexes), ``str.isalpha`` and capital letters (``isupper`` and ``isalpha``), and the junk,
    sentence-mark and word-joining characters of :data:`_JUNK_CHARS`, :data:`_SENTENCE_MARK` and
    :data:`_WORD`.

    >>> letter = _WORD_CHAR | _LETTER | _LETTER_PROPERTY
    >>> _class_flags("a1 ?/É").tolist() == [letter, _WORD_CHAR | _DIGIT_CHAR, _SPACE, _SENTENCE_MARK_CHAR, _JUNK,
    ...     letter | _CAPITAL]
    True
    """
    flags = np.zeros(len(chars), np.uint16)
    for flag, outside in _FLAG_PATTERNS:  # every character outside the class becomes NUL, which is in none
        flags[_code_points(outside.sub("\0", chars)) != 0] |= flag
    letters = np.fromiter(map(str.isalpha, chars), bool, len(chars))
    flags[letters] |= _LETTER
    flags[letters & np.fromiter(map(str.isupper, chars), bool, len(chars))] |= _CAPITAL
    for flag, members in _FLAG_SETS:
        flags[np.isin(_code_points(chars), _code_points(members))] |= flag
    return flags


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # lone surrogates too


@lru_cache(maxsize=1)
def _flag_table() -> np.ndarray:
    table = _class_flags("".join(map(chr, range(_TABLE_SIZE))))
    table.flags.writeable = False
    return table


def _page_flags(page: str) -> np.ndarray:
    return _flags_of_code_points(_code_points(page))


def _flags_of_code_points(codes: np.ndarray) -> np.ndarray:
    flags = _flag_table()[np.minimum(codes, _TABLE_SIZE - 1)]
    rare = codes >= _TABLE_SIZE
    if rare.any():
        flags[rare] = _class_flags("".join(map(chr, codes[rare].tolist())))
    return flags


def letters_only(lines: Sequence[str]) -> list[str]:
    r"""Each line with nothing but its letters (``regex``'s ``\p{L}``), picked from the whole page at once.

    >>> letters_only(["12:05 Share  THIS!", "", "Ёлка-2"])
    ['ShareTHIS', '', 'Ёлка']
    """
    codes = _code_points("\n".join(lines))
    kept = codes[((_flags_of_code_points(codes) & _LETTER_PROPERTY) != 0) | (codes == ord("\n"))]
    pieces = kept.tobytes().decode("utf-32-le").split("\n")  # letters are never surrogates
    if len(pieces) != len(lines):  # a line held a line break of its own
        return [_NOT_LETTER.sub("", line) for line in lines]
    return pieces


class CharCounts(NamedTuple):
    """Per-line counts of a page's characters, one list each, in line order (Python ints)."""

    words: list[int]  # matches of _WORD
    sentences: list[int]  # matches of _SENTENCE_MARK
    junk: list[int]  # characters of _JUNK_CHARS
    digits: list[int]  # decimal digits (regex's \d)
    letters: list[int]  # str.isalpha characters
    capitals: list[int]  # capital letters (isupper and isalpha)

    @classmethod
    def of(cls, lines: Sequence[str]) -> CharCounts:
        """Count every line's characters in one pass over the page.

        >>> CharCounts.of(["Hello, world-wide web. Ok?", "", "a/b 12 Ц"])
        CharCounts(words=[4, 0, 4], sentences=[2, 0, 0], junk=[0, 0, 1], digits=[0, 0, 2], letters=[19, 0, 3], capitals=[2, 0, 1])
        """
        page = "\n".join(lines)  # "\n" is a space and of no other class: no word or mark runs across
        flags = _page_flags(page)
        word = (flags & _WORD_CHAR) != 0
        before, after = np.zeros(len(page), bool), np.ones(len(page), bool)  # the page's edges as a space would be
        before[1:], after[:-1] = word[:-1], (flags[1:] & _SPACE) != 0
        word_after = np.zeros(len(page), bool)
        word_after[:-1] = word[1:]
        # _WORD matches a run of word characters and the runs joined to it by one "-", "'", "’" or ".".
        joins = ((flags & _WORD_JOINER) != 0) & before & word_after
        words = (word & ~before).astype(np.int64) - joins
        marks = ((flags & _SENTENCE_MARK_CHAR) != 0) & after
        counted = np.stack([words, marks, (flags & _JUNK) != 0, (flags & _DIGIT_CHAR) != 0,
                            (flags & _LETTER) != 0, (flags & _CAPITAL) != 0]).astype(np.int64)
        totals = np.zeros((len(counted), len(page) + 1), np.int64)
        np.cumsum(counted, axis=1, out=totals[:, 1:])
        ends = np.fromiter(accumulate(len(line) + 1 for line in lines), np.int64, len(lines)) - 1
        starts = ends - np.fromiter(map(len, lines), np.int64, len(lines))
        return cls(*(totals[:, ends] - totals[:, starts]).tolist())


def _cue_pattern(cues: tuple[str, ...]) -> regex.Pattern[str]:
    """One alternation for a cue category, matched on casefolded text."""
    alternatives = []
    for cue in sorted(cues, key=len, reverse=True):
        stem = cue.endswith("*")
        words = _normalise_for_cues(cue.rstrip("*")).split()
        body = r"\s+".join(regex.escape(word) for word in words)
        alternatives.append(body + (r"\w*" if stem else ""))
    return regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _normalise_for_cues(text: str) -> str:
    """Casefold, split glued icon labels ("seeViews" -> "see views"), unify apostrophes."""
    text = _CAMEL_JOIN.sub(" ", text)
    text = _APOSTROPHES.sub("'", text)
    return text.casefold().replace("\u0307", "")


_CUE_PATTERNS: dict[str, regex.Pattern[str]] = {
    category: _cue_pattern(cues) for category, cues in CUE_WORDS.items()
}
_WORD_RUN = regex.compile(r"\w+")


class _CueRequirements(NamedTuple):
    """What a line's word runs must hold for a cue of a category to match."""

    index: dict[str, list[tuple[frozenset[str], str]]]  # a cue's first run -> (the runs it needs, its category)
    stems: dict[str, tuple[str, ...]]  # category -> the stems of its one-run stemmed cues
    anywhere: bool  # some cue starts with no word: any line may hold one


def _cue_requirements(cue_words: dict[str, tuple[str, ...]]) -> _CueRequirements:
    """Every run of a cue but a stemmed last one (``ən çox oxunan*`` needs ``ən`` and ``çox``),
    indexed by the cue's first run; the stems of one-run stemmed cues (``reklam*``) separately."""
    index: dict[str, list[tuple[frozenset[str], str]]] = {}
    stems: dict[str, list[str]] = {}
    for category, cues in cue_words.items():
        for cue in cues:
            text = _normalise_for_cues(cue.rstrip("*"))
            runs = _WORD_RUN.findall(text)
            if not runs or not text.startswith(runs[0]):
                return _CueRequirements({}, {}, True)
            if cue.endswith("*") and text.endswith(runs[-1]):
                if len(runs) == 1:
                    stems.setdefault(category, []).append(runs[0])
                    continue
                runs = runs[:-1]  # the stemmed run may go on: it need not stand alone
            index.setdefault(runs[0], []).append((frozenset(runs), category))
    return _CueRequirements(index, {category: tuple(found) for category, found in stems.items()}, False)


# A cue pattern matches only where a word run starts with its first run (its look-behind rules
# out a start inside a word) and the line holds its other runs, so a line without them (most
# lines) skips every pattern, and a line with them runs only the patterns of their categories.
_CUES = _cue_requirements(CUE_WORDS)
_CUE_FIRST_RUNS = frozenset(_CUES.index)  # a set, so that intersecting a line's runs with it walks the runs
_CUE_STEMS = tuple(stem for stems in _CUES.stems.values() for stem in stems)


def _cue_categories(cue_text: str) -> set[str]:
    """The categories whose cues the (normalised) text may hold; the others cannot match.

    >>> sorted(_cue_categories("read also: the council's reklamlar"))
    ['advertising', 'sidebar']
    """
    if _CUES.anywhere:
        return set(CUE_WORDS)
    runs = set(_WORD_RUN.findall(cue_text))
    found = {category for run in runs & _CUE_FIRST_RUNS for needed, category in _CUES.index[run] if needed <= runs}
    stemmed = [run for run in runs if run.startswith(_CUE_STEMS)]
    if stemmed:
        found.update(category for category, stems in _CUES.stems.items() if any(run.startswith(stems) for run in stemmed))
    return found


@dataclass(slots=True)
class StripResult:
    """The kept text and one :class:`Removal` for every removed non-blank line."""

    text: str
    removed: list[Removal]
    title: str | None = None  # the headline lines moved out of the text (rule ``headline``), one per line


@dataclass(slots=True, frozen=True)
class LineFeatures:
    """What the decision needs to know about one non-blank line.

    ``cue_share`` maps each cue category found on the line to the share of the line's words
    that the cues cover (1.0: the line is nothing but cue words).
    """

    index: int  # 0-based line number
    text: str  # the line without surrounding whitespace
    key: str  # casefolded, whitespace-folded: equal keys are the same line
    words: int
    chars: int
    sentence_like: bool  # ends like a sentence
    sentences: int  # sentence-final punctuation marks anywhere on the line
    junk_chars: int  # characters of paths, markup and code: / _ = { } < > | \\ #
    digits: int
    cue_share: dict[str, float]
    repeats: int  # how many lines of the text have this key
    has_url: bool
    has_email: bool
    has_phone: bool
    has_digit: bool
    label_value: bool  # "label: value"
    stamp: bool  # nothing but a date, a time and counters
    site_domain: bool  # names the site itself (a domain seen on a logo-like line)
    foreign_domain: bool  # names some other domain-like site
    markup: bool

    @property
    def is_short(self) -> bool:
        return self.words <= SHORT_WORDS

    @property
    def is_prose(self) -> bool:
        """Words rather than paths, code, or lists of numbers."""
        return self.junk_chars <= 0.2 * self.words and self.digits <= 0.25 * self.chars

    @property
    def is_paragraph(self) -> bool:
        """A line that reads like body text."""
        if not self.is_prose:
            return False
        return (self.words >= 10 and self.sentence_like) or (self.chars >= 250 and self.sentences > 0)

    @property
    def is_plain_words(self) -> bool:
        """Prose without contacts, links or stamps: what a headline or a signature is made of."""
        return self.is_prose and not (self.has_url or self.has_email or self.has_phone or self.stamp)

    @property
    def looks_like_headline(self) -> bool:
        """A few plain words that do not end like a sentence or a label ("Council approves new bridge").

        Headlines end without a full stop, or with "?" / "!"; a line ending in "." or ":" above
        the article is a teaser, a dateline or a lead-in.
        """
        return HEADLINE_WORDS[0] <= self.words <= HEADLINE_WORDS[1] and not self.text.endswith((".", ":")) \
            and self.is_plain_words

    @property
    def looks_like_signature(self) -> bool:
        """A name, or a name's title, below an article ("Jane Smith,"): short, no sentence, no digits."""
        return 1 <= self.words <= SIGNATURE_WORDS and not self.sentence_like and not self.has_digit \
            and self.is_plain_words


def strip(
    text: str,
    *,
    lang: str | None = None,
    min_repeat: int = 3,
    mode: str = "text",
    use_model: bool = True,
    model: LineModel | None = None,
    line_frequency: Callable[[str], int] | None = None,
    headline: str = "title",
) -> StripResult:
    """Remove site chrome from a plain-text page and say which rule removed each line.

    ``mode="text"`` is for whole scraped pages: the rules describe every line and find the
    article's main block, then the line model (:mod:`cleanpress.linemodel`) decides; a line it
    removes keeps the name of the rule that fired on it, or ``line-model`` (or ``outside-article``)
    and its score.
    ``mode="html"`` is for text that trafilatura already extracted from HTML: only the pattern
    rules that name chrome on their own run (share and comment prompts, sidebar headings and
    their lists, copyright and contact footers), since the main block was found from the markup.
    ``use_model=False`` gives the rules alone. ``lang`` is accepted for the pipeline's sake; the
    cue word table covers many languages at once. ``min_repeat`` is how many copies make a
    short line a ``repeated-line``. ``model`` replaces the shipped line model (for training).
    ``line_frequency(line)`` is the number of documents of the corpus that contain a line
    (:class:`cleanpress.linefreq.LineFrequencies`), which the model uses: chrome repeats.
    ``headline`` says where the headline above the article goes (a few plain words the rules
    keep, with its kicker: :func:`headline_and_signature`): ``"title"`` moves it out of the text
    into :attr:`StripResult.title` (rule ``headline``), as extractors keep the title apart from
    the body; ``"text"`` keeps it atop the text. With either, the signature below the article is
    kept whatever the model says. ``"model"``: the model decides on both, as on any line (its
    training texts have neither).

    >>> page = "\\n".join([
    ...     "Home", "World", "Sport",
    ...     "Council approves the new bridge",
    ...     "The city council voted on Tuesday to build a new bridge over the river, ending a decade of debate.",
    ...     "Construction is expected to start next spring and to last about three years, officials said.",
    ...     "© 2024 Example News. All rights reserved.",
    ... ])
    >>> result = strip(page)
    >>> print(result.title)
    Council approves the new bridge
    >>> print(result.text)
    The city council voted on Tuesday to build a new bridge over the river, ending a decade of debate.
    Construction is expected to start next spring and to last about three years, officials said.
    >>> [(r.line, r.rule) for r in result.removed]
    [(1, 'navigation'), (2, 'navigation'), (3, 'navigation'), (4, 'headline'), (7, 'footer')]
    >>> strip(page, headline="text").text.startswith("Council approves the new bridge")
    True
    """
    lines = text.split("\n")
    if mode == "html":
        return _assemble(lines, _extracted_text_rules(lines, min_repeat))
    if mode != "text":
        raise ValueError(f"mode must be 'text' or 'html', got {mode!r}")
    if headline not in HEADLINE_MODES:
        raise ValueError(f"headline must be one of {', '.join(HEADLINE_MODES)}, got {headline!r}")
    if not use_model:
        features = line_features(lines)
        page = decide_page(features, min_repeat=min_repeat)
        if headline == "title":
            _move_headline(page.decisions, headline_and_signature(features, page.decisions, page.body)[0], features)
        return _assemble(lines, page.decisions)
    from .linemodel import default_model, line_table  # the model module builds on this one

    table = line_table(lines, min_repeat=min_repeat, line_frequency=line_frequency)
    model = model or default_model()
    probabilities = model.probability(table)
    return strip_with_verdicts(lines, table, probabilities, model.verdicts(table, probabilities), headline)


def strip_with_verdicts(
    lines: list[str], table: LineTable, probabilities: Sequence[float], verdicts: Sequence[str | None],
    headline: str = "title",
) -> StripResult:
    """The page stripped by the rules and a model's verdicts (see :func:`model_decisions`)."""
    return _assemble(lines, *model_decisions(table, probabilities, verdicts, headline))


def model_decisions(
    table: LineTable, probabilities: Sequence[float], verdicts: Sequence[str | None], headline: str = "title"
) -> tuple[list[str | None], dict[int, float]]:
    """How the rules and the model combine into the decision of every line, and the score of
    each line the model removed. The model gives a probability and a verdict per non-blank line:
    ``None`` (keep), :data:`MODEL_RULE` or :data:`SPAN_RULE`. Separate from :func:`strip` so
    that training can score many decodings without rebuilding the table. ``headline``: as for
    :func:`strip`."""
    decide_context = headline != "model"
    decisions: list[str | None] = [None] * len(table.features)
    scores: dict[int, float] = {}
    for index, probability, verdict in zip(table.indices, probabilities, verdicts):
        rule = table.rules[index]
        if rule in SELF_EVIDENT_RULES:
            decisions[index] = rule
        elif rule == POSITIONAL and table.decisions[index]:  # the site naming itself outside the article
            decisions[index] = table.decisions[index]
        # The headline and the signature are kept by the rules: the model was trained on gold
        # texts that start at the body and stop before the byline, this tool keeps them.
        elif verdict and not (decide_context and table.kept_as_context(index)):
            named = table.decisions[index] or rule
            decisions[index] = named if named and named != POSITIONAL else verdict
            scores[index] = round(float(probability), 3)
    if all(decisions[i] for i in table.indices):  # never strip a page to nothing on the model's word alone
        decisions = _without_model(table)
    _mark_duplicates(table.features, decisions)
    if headline == "title":  # after the duplicates: a second copy of the headline goes as a duplicate
        _move_headline(decisions, table.headline, table.features)
    return decisions, scores


def _move_headline(
    decisions: list[str | None], headline: Sequence[int], features: Sequence[LineFeatures | None]
) -> None:
    """Mark the kept headline lines :data:`HEADLINE_RULE` (to the title), unless nothing else is
    kept: a page that is only its headline keeps it as its text."""
    moving = {i for i in headline if decisions[i] is None}
    if moving and any(f is not None and decisions[i] is None and i not in moving for i, f in enumerate(features)):
        for i in moving:
            decisions[i] = HEADLINE_RULE


def _without_model(table: LineTable) -> list[str | None]:
    """The rules' decisions; on a page of several lines where they find no article either, only
    sentences stay (a short note survives, a page of menu words does not)."""
    decisions = list(table.decisions)
    if table.body is None and len(table.indices) > 1:  # a one-line document is its own content
        for index in table.indices:
            f = table.features[index]
            if decisions[index] is None and f is not None and not f.sentence_like:
                decisions[index] = "navigation"
    return decisions


def _extracted_text_rules(lines: list[str], min_repeat: int) -> list[str | None]:
    """Pattern rules only, for text whose main block is known: nothing is removed for where it stands."""
    features = line_features(lines)
    decisions: list[str | None] = []
    for f in features:
        rule = pattern_rule(f, min_repeat=min_repeat) if f else None
        decisions.append(rule if rule in EXTRACTED_TEXT_RULES else None)
    in_sidebar = False  # after a sidebar heading, its list runs to the next paragraph
    for index, f in enumerate(features):
        if f is None:
            continue
        if decisions[index] == "sidebar":
            in_sidebar = True
        elif f.is_paragraph:
            in_sidebar = False
        elif in_sidebar and decisions[index] is None:
            decisions[index] = "sidebar"
    _mark_duplicates(features, decisions)
    return decisions


# ---------------------------------------------------------------------------------------------
# Line features


def line_features(lines: list[str]) -> list[LineFeatures | None]:
    """Describe every line; ``None`` for blank lines. Document-level context (repetition, the
    site's own domain) is folded in so that each feature vector stands on its own."""
    return line_features_and_counts(lines)[0]


def line_features_and_counts(lines: list[str]) -> tuple[list[LineFeatures | None], CharCounts]:
    """:func:`line_features`, and the character counts of the stripped lines they were made
    from (the line model needs more of them than the features hold)."""
    stripped = [line.strip() for line in lines]
    keys = [_line_key(line) for line in stripped]
    counts: dict[str, int] = {}
    for key in keys:
        if key:
            counts[key] = counts.get(key, 0) + 1
    chars = CharCounts.of(stripped)
    domains = [_domains(line) for line in stripped]
    site_domains = _site_domains(chars.words, domains)
    cue_texts = _cue_texts(stripped, chars.words)
    features = [
        _features(index, line, keys[index], counts.get(keys[index], 0), domains[index], site_domains,
                  cue_texts[index], words, sentences, junk, digits)
        if line
        else None
        for index, (line, words, sentences, junk, digits) in enumerate(
            zip(stripped, chars.words, chars.sentences, chars.junk, chars.digits))
    ]
    return features, chars


def _line_key(line: str) -> str:
    return " ".join(line.casefold().split())


def _domains(line: str) -> set[str]:
    if not line or len(line) > PATTERN_CHARS or not _DOT_LETTER.search(line):  # every domain has one
        return set()
    return {match.casefold() for match in _DOMAIN.findall(line)}


def _site_domains(words: list[int], domains: list[set[str]]) -> set[str]:
    """Domains that stand (almost) alone on a line, like a logo or a footer's site name: the
    site's own name, so that every line promoting it is chrome."""
    own: set[str] = set()
    for count, found in zip(words, domains):
        if found and count <= 6:
            own |= found
    return own


def _cue_texts(lines: list[str], words: list[int]) -> list[str]:
    """Each line normalised for cue matching, or "" where cues do not count (too many words, or
    too long for pattern rules). Normalised as one page: every step works on single characters
    or pairs of letters, so no line changes its neighbour."""
    eligible = [line if count <= NOTICE_WORDS and len(line) <= PATTERN_CHARS else ""
                for line, count in zip(lines, words)]
    normalised = _normalise_for_cues("\n".join(eligible)).split("\n")
    if len(normalised) != len(eligible):  # a line held a line break of its own
        normalised = [_normalise_for_cues(line) for line in eligible]
    return normalised


def _features(
    index: int, line: str, key: str, repeats: int, domains: set[str], site_domains: set[str], cue_text: str,
    words: int, sentences: int, junk: int, digits: int,
) -> LineFeatures:
    small = len(line) <= PATTERN_CHARS
    # Cheap tests first: every date, phone and counter pattern needs a digit, an e-mail an "@"
    # (or Cloudflare's "[email"); without one the slower search cannot match.
    has_digit = digits > 0
    may_be_email = "@" in line or "[email" in line
    return LineFeatures(
        index=index,
        text=line,
        key=key,
        words=words,
        chars=len(line),
        sentence_like=bool(_SENTENCE_END.search(line[-8:])),
        sentences=sentences,
        junk_chars=junk,
        digits=digits,
        cue_share=_cue_share(cue_text, words),
        repeats=repeats,
        has_url=small and ("://" in line or "www." in line) and bool(_URL.search(line)),
        has_email=small and may_be_email and bool(_EMAIL.search(line)),
        has_phone=small and has_digit and bool(_PHONE.search(line)),
        has_digit=has_digit,
        label_value=small and bool(_LABEL_VALUE.match(line)),
        stamp=small and has_digit and words <= SHORT_WORDS and _is_stamp(line),
        site_domain=bool(domains & site_domains),
        foreign_domain=bool(domains - site_domains),
        markup=_has_markup(line, small),
    )


def _has_markup(line: str, small: bool) -> bool:
    """Two tags on a short line, or a tag opening a long one (a script or a template dump)."""
    if "<" not in line and "{" not in line:  # every tag and style rule has one
        return False
    if small:
        return len(_MARKUP.findall(line)) >= 2
    return _MARKUP.search(line[:PATTERN_CHARS]) is not None


def _cue_share(cue_text: str, words: int) -> dict[str, float]:
    categories = _cue_categories(cue_text) if cue_text else ()
    if not categories:
        return {}
    shares = {}
    for category, pattern in _CUE_PATTERNS.items():
        if category not in categories:
            continue
        matched = sum(len(_WORD.findall(m.group())) or 1 for m in pattern.finditer(cue_text))
        if matched:
            shares[category] = min(1.0, matched / max(words, 1))
    return shares


def _is_stamp(line: str) -> bool:
    """A date or time with at most a counter or an icon label around it: "26 May 2024 12:05 279"."""
    if not _DATE.search(line):
        return False
    rest = _DATE.sub(" ", line)
    leftover = [word for word in _WORD.findall(rest) if not word.isdigit()]
    return len(leftover) <= 1


# ---------------------------------------------------------------------------------------------
# Decision


def decide(features: list[LineFeatures | None], *, min_repeat: int = 3) -> list[str | None]:
    """The rule that removes each line, or ``None`` to keep it (blank lines: ``None``)."""
    return decide_page(features, min_repeat=min_repeat).decisions


@dataclass(slots=True)
class PageDecision:
    """What the rules found on a page: each line's pattern rule and decision, and the main block."""

    rules: list[str | None]  # the pattern rule of each line (None: no pattern)
    decisions: list[str | None]  # the rule that removes each line, None to keep it
    body: tuple[int, int] | None  # the main block (inclusive line bounds), None when none reads like one


def decide_page(features: list[LineFeatures | None], *, min_repeat: int = 3) -> PageDecision:
    """The rules' view of a page (see :func:`decide`), with the pattern rules and the main block."""
    rules = [pattern_rule(f, min_repeat=min_repeat) if f else None for f in features]
    scores = [line_score(f, rule) if f else 0.0 for f, rule in zip(features, rules)]
    body = find_body(scores)
    if body is None:  # nothing reads like an article: only remove what the patterns name
        decisions = [None if rule == POSITIONAL else rule for rule in rules]
    else:
        decisions = _decide_around_body(features, rules, body)
    _mark_sidebar_blocks(features, rules, decisions, body)
    _mark_duplicates(features, decisions)
    return PageDecision(rules, decisions, body)


def pattern_rule(f: LineFeatures, *, min_repeat: int = 3) -> str | None:
    """The rule a line triggers on its own, wherever it stands; ``POSITIONAL`` for chrome whose
    name depends on where it stands (the site's own name: navigation above, footer below)."""
    cues = f.cue_share
    if f.markup:
        return "markup"
    if f.repeats >= min_repeat and f.words <= REPEAT_WORDS:
        return "repeated-line"
    if f.words <= NOTICE_WORDS and (
        "copyright" in cues or "reuse" in cues or _COPYRIGHT_SIGN.search(f.text[:PATTERN_CHARS])
    ):
        return "footer"
    if f.words <= ATTRIBUTION_WORDS and (f.foreign_domain or f.site_domain) and "attribution" in cues:
        return "attribution"
    if f.words <= ATTRIBUTION_WORDS and _is_sidebar_heading(f):
        return "sidebar"
    if f.stamp:
        return "link-list"
    if f.words <= ATTRIBUTION_WORDS and "metadata" in cues and (f.label_value or f.has_digit or f.has_url):
        return "metadata-line"
    if f.is_short and f.has_url and f.words <= 3:
        return "metadata-line"
    if f.is_short and (f.has_email or f.has_phone or cues.get("contacts", 0) >= 0.4):
        return "footer"
    if f.is_short and cues.get("advertising", 0) > 0 and f.words <= 3:
        return "widget"
    if f.words <= ATTRIBUTION_WORDS and cues.get("advertising", 0) > 0 and (f.has_email or f.has_url):
        return "footer"
    if f.is_short and (cues.get("widget", 0) >= 0.4 or ("widget" in cues and f.has_digit)):
        return "widget"
    if f.site_domain and f.words <= NOTICE_WORDS:
        return POSITIONAL
    return None


def _is_sidebar_heading(f: LineFeatures) -> bool:
    """A heading made of sidebar cue words ("Most read today"), or a cross-link that starts with
    one ("Read also: ...")."""
    share = f.cue_share.get("sidebar", 0.0)
    if share == 0.0:
        return False
    uncovered_words = f.words * (1 - share)
    return (f.is_short and uncovered_words <= 2.01) or _starts_with_cue_and_colon(f.text)


def _starts_with_cue_and_colon(text: str) -> bool:
    head, sep, _ = text.partition(":")
    if not sep or len(head) > 40:
        return False
    return bool(_CUE_PATTERNS["sidebar"].fullmatch(_normalise_for_cues(head.strip())))


def line_score(f: LineFeatures, rule: str | None) -> float:
    """How much a line looks like body text: positive for paragraphs, negative for chrome."""
    if rule == "sidebar" or (rule == "footer" and f.words > 2):
        return BARRIER_SCORE
    if rule:
        return CHROME_SCORE
    if f.is_paragraph:
        return 1.0 + min(f.chars, 500) / 100
    if f.words >= 6 and f.sentence_like:
        return 0.2
    return SHORT_SCORE


def find_body(scores: list[float]) -> tuple[int, int] | None:
    """The run of lines with the largest total score (Kadane), as inclusive 0-based bounds."""
    best_sum, best = 0.0, None
    run_sum, run_start = 0.0, 0
    for index, score in enumerate(scores):
        if run_sum <= 0:
            run_sum, run_start = 0.0, index
        run_sum += score
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, index)
    if best is None:
        return None
    start, end = best
    while scores[start] == 0.0:  # trim blank lines from the edges
        start += 1
    return start, end


def headline_and_signature(
    features: Sequence[LineFeatures | None], decisions: Sequence[str | None], body: tuple[int, int] | None
) -> tuple[list[int], list[int]]:
    """The headline lines above the article and the signature lines below it, in reading order.

    They are the nearest lines around the main block that the rules keep (a repeated headline
    or an attribution in between does not push the headline out), when they have the shape:
    a few plain words not ending like a sentence above, a name and a title below. Further out,
    kept lines are mostly bylines, dates and teasers.
    """
    if body is None:
        return [], []

    def kept(order: range, limit: int) -> list[LineFeatures]:
        return list(islice((f for i in order if (f := features[i]) is not None and decisions[i] is None), limit))

    start, end = body
    return (sorted(f.index for f in kept(range(start - 1, -1, -1), TITLE_LINES) if f.looks_like_headline),
            [f.index for f in kept(range(end + 1, len(features)), BYLINE_LINES) if f.looks_like_signature])


def _decide_around_body(
    features: list[LineFeatures | None], rules: list[str | None], body: tuple[int, int]
) -> list[str | None]:
    start, end = body
    kept_context = _context_lines(features, rules, range(start - 1, -1, -1), HEADLINE_LINES)
    kept_context |= _context_lines(features, rules, range(end + 1, len(features)), SIGNATURE_LINES)
    decisions: list[str | None] = []
    for index, (f, rule) in enumerate(zip(features, rules)):
        if f is None:
            decisions.append(None)
        elif rule and rule != POSITIONAL:
            decisions.append(rule)
        elif start <= index <= end or index in kept_context:
            decisions.append("footer" if rule == POSITIONAL else None)
        else:
            decisions.append("navigation" if index < start else "footer")
    return decisions


def _context_lines(
    features: list[LineFeatures | None], rules: list[str | None], order: range, limit: int
) -> set[int]:
    """Short lines right above or below the body that belong to it: a headline, a signature.
    Lines removed by a light pattern rule (an attribution, a stamp) are stepped over; the walk
    stops at the first line that is chrome."""
    kept: set[int] = set()
    scanned = 0
    for index in order:
        f = features[index]
        if f is None:
            continue
        scanned += 1
        if scanned > CONTEXT_SCAN or len(kept) >= limit:
            break
        rule = rules[index]
        if rule in ("attribution", "metadata-line", "link-list", "widget"):
            continue
        if rule or not _belongs_to_body(f):
            break
        kept.add(index)
    return kept


def _belongs_to_body(f: LineFeatures) -> bool:
    return 2 <= f.words <= 25 and not (f.has_url or f.stamp)


def _mark_sidebar_blocks(
    features: list[LineFeatures | None],
    rules: list[str | None],
    decisions: list[str | None],
    body: tuple[int, int] | None,
) -> None:
    """After a sidebar heading, the lines up to the next paragraph of the body are its list."""
    in_block = False
    for index, f in enumerate(features):
        if f is None:
            continue
        if rules[index] == "sidebar":
            in_block = body is None or index >= body[0]
            continue
        if not in_block:
            continue
        inside_body = body is not None and body[0] <= index <= body[1]
        if inside_body and f.is_paragraph:
            in_block = False
        elif decisions[index] in (None, "footer") and rules[index] is None:
            decisions[index] = "sidebar"


def _mark_duplicates(features: list[LineFeatures | None], decisions: list[str | None]) -> None:
    """Of several kept copies of a line, keep the first."""
    seen: set[str] = set()
    for index, f in enumerate(features):
        if f is None or decisions[index] is not None or f.words == 0:
            continue
        if f.key in seen:
            decisions[index] = "duplicate-line"
        seen.add(f.key)


# ---------------------------------------------------------------------------------------------
# Output


def _assemble(lines: list[str], decisions: list[str | None], scores: dict[int, float] | None = None) -> StripResult:
    kept: list[str] = []
    removed: list[Removal] = []
    scores = scores or {}
    for number, (line, rule) in enumerate(zip(lines, decisions), start=1):
        if rule is not None:
            removed.append(Removal(line=number, text=line, rule=rule, score=scores.get(number - 1), kept_before=len(kept)))
        elif line.strip():
            kept.append(line)
        elif kept and kept[-1] != "":
            kept.append("")  # one blank line between paragraphs, however many there were
    text = "\n".join(kept).strip()
    lines_kept = text.count("\n") + 1 if text else 0
    for removal in removed:  # a trailing blank separator is stripped from the text
        removal.kept_before = min(removal.kept_before or 0, lines_kept)
    title = "\n".join(r.text.strip() for r in removed if r.rule == HEADLINE_RULE) or None
    return StripResult(text=text, removed=removed, title=title)
