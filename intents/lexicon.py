"""Closed-class words per language: what must not drive a match, and what tells languages apart.

Everything is written in plain spelling and folded at import, so the lists are read the
way the questions are. Question words ("when", "where", "wie viele") are *not* stop
words: they are what separates "when was the seminar" from "where was the seminar".
"""

from __future__ import annotations

from intents.normalise import fold, stem

_EN_STOP = """
a an the is are was were be been being am do does did doing done of in on at to for with by from
and or but nor if then than as it its it's this that these those there here i me my mine we us our
ours you your yours they them their he him his she her hers can could would should will shall may
might must have has had having please tell know let like so any some also just really very quite
hi hello hey dear thanks thank ok okay want wanted wondering wonder curious interested interest
i'm i'd i've we're you're what's that's there's im id ive whats thats theres into onto up out
about over again still already yet only such own same other another each every both all more most
much lot lots bit kind sort way thing things something anything someone anyone
get got give given go going come coming told see look looking find found
would've could've should've mean means meant explain describe information info details detail
question questions answer answers bot
monday tuesday wednesday thursday friday saturday sunday
january february march april june july august september october november december
"""

_DE_STOP = """
der die das den dem des ein eine einen einem einer eines kein keine keinen und oder aber sondern
wenn dann als wie ob dass daß es ich mir mich mein meine meinen meinem meiner wir uns unser unsere
du dir dich dein deine sie ihr ihre ihnen ihm ihn er man sein seine seinen seinem seiner ist sind
war waren bin bist seid wird werden wurde wurden worden hat haben hatte hatten habe hast kann
koennen konnte koennte koennten moechte moechten moegen will wollen wuerde wuerden soll sollen
sollte muss muessen darf in im ins an am auf aus bei beim mit nach von vom zu zum zur fuer durch
gegen ohne um unter ueber vor hinter neben zwischen bis seit bitte danke hallo hi guten tag gern
gerne mal doch ja nein nicht auch noch schon nur sehr so da hier dort denn eigentlich etwa etwas
viel mehr alle alles jede jeder jedes andere anderen anderer dies diese dieser dieses diesem diesen
jene erzaehlen erzaehl erzaehle erklaeren erklaer wissen weiss interessiert
interessiere information informationen infos frage fragen antwort gibt geben gab es's mich's
ueberhaupt genau bzw beziehungsweise usw eigentlich vielleicht also mal
"""

# Words whose presence tells English from German; shared spellings ("in", "was",
# "will", "so", "man", "die") are left out on purpose.
_EN_MARKERS = """
the is are was were does did do of and or what which who whom whose when where why how many much
there their they with from about have has had can could would should please tell me my our your
companies company firms live living people residents located based japanese german city state
many attend attended held take took place say said mayor role role what's who's how's
"""

_DE_MARKERS = """
der das den dem des ein eine einen einem einer und oder ist sind wie viele viel welche welcher
welches wer wann wo warum wieso weshalb was gibt es ich mir mich wir uns sie ihr nicht auch noch
schon nur sehr fuer ueber von vom zum zur bei beim mit nach aus unternehmen firmen japanische
japanischen japaner leben wohnen einwohner stadt land bundesland hat haben wurde wurden findet
fand statt sagt sagte veranstaltung bitte
"""

# Openings that make a short question refer back to the previous one.
FOLLOW_UP_OPENINGS = tuple(
    fold(p)
    for p in (
        "and ",
        "and what about",
        "what about",
        "how about",
        "same for",
        "same question for",
        "also for",
        "what of",
        "und ",
        "und was ist mit",
        "was ist mit",
        "wie ist es mit",
        "wie sieht es mit",
        "wie sieht es in",
        "und wie",
        "und wo",
        "dasselbe fuer",
        "gleiche frage fuer",
        "では",
        "じゃあ",
        "じゃ",
        "それでは",
        "それなら",
        "なら",
        "また",
    )
)
# Japanese follow-ups end in a topic particle: "NRWでは？", "住民は？".
FOLLOW_UP_ENDINGS = ("では", "は", "の場合は", "はどう", "はどうですか", "については", "なら")

# Words that turn a bare fragment into a question of its own language.
QUESTION_WORDS = frozenset(
    fold(w)
    for w in [
        "how",
        "many",
        "much",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "what",
        "which",
        "why",
        "wie",
        "viele",
        "viel",
        "wann",
        "wo",
        "wer",
        "wen",
        "wem",
        "wessen",
        "was",
        "welche",
        "welcher",
        "welches",
        "warum",
        "wieso",
        "weshalb",
    ]
)


def _folded(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


STOP_WORDS: dict[str, frozenset[str]] = {"en": _folded(_EN_STOP), "de": _folded(_DE_STOP)}
ALL_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values()) - QUESTION_WORDS
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "en": _folded(_EN_MARKERS) - _folded(_DE_MARKERS),
    "de": _folded(_DE_MARKERS) - _folded(_EN_MARKERS),
}

# Everyday synonyms of investor questions, mapped to one stem. Only general vocabulary:
# a base about anything else is not hurt by "firm" meaning "company".
_SYNONYM_GROUPS = (
    "company companies firm firms business businesses enterprise enterprises corporation "
    "corporations",
    "unternehmen firma firmen betrieb betriebe konzern konzerne",
    "resident residents inhabitant inhabitants expat expats expatriates "
    "live lives living reside resides residing",
    "einwohner bewohner einwohnerzahl leben lebt wohnen wohnt buerger",
    "attendee attendees participant participants visitor visitors guest guests attend attended "
    "attending participate participated participating",
    "teilnehmer teilnehmerinnen besucher gaeste teilnahme teilgenommen nahmen",
    "seminar seminars event events symposium",
    "veranstaltung veranstaltungen seminar seminare konferenz tagung event",
    "organise organised organize organized organiser organisers organizer organizers host "
    "hosts hosted hosting",
    "veranstalter veranstaltet organisiert organisator ausrichter ausgerichtet gastgeber",
    "say said says remark remarks comment comments statement statements quote quotes quoted stated",
    "sagen sagte gesagt sagt aeussern aeusserte geaeussert aussage aussagen zitat zitate "
    "meinte meint erklaerte betonte",
    "speak speaks spoke spoken speaker speakers talk talks talked",
    "city town",
    "kosten kostet preis preise gebuehr gebuehren tarif entgelt",
    "pay pays paid paying payment payments",
    "bezahlen bezahlt gezahlt zahlung",
    "cancel cancels cancelled cancellation terminate termination quit",
    "kuendigen kuendigung stornieren stornierung",
    "book books booked booking reserve reserved reservation",
    "buchen gebucht buchung reservieren reserviert reservierung vormerken",
    "lost lose missing disappeared stolen",
    "verloren verlieren weg gestohlen verschwunden",
    "discount discounts reduction reduced rebate concession cheaper",
    "rabatt ermaessigung ermaessigt nachlass guenstiger",
    "wifi wi-fi wireless wlan",
    "open opens opening",
    "oeffnen oeffnet geoeffnet oeffnungszeiten offen",
    "help support assistance",
    "hilfe unterstuetzung",
    "contract agreement",
    "vertrag vereinbarung",
    "invoice invoices bill bills billing receipt",
    "rechnung rechnungen quittung",
    "employee employees staff workers personnel",
    "mitarbeiter personal beschaeftigte",
    "location locations site sites",
    "job jobs career careers vacancy vacancies",
    "startup startups start-up start-ups",
    "skilled workers talent talents specialists",
)


def _synonym_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        stems = [stem(fold(w)) for w in group.split()]
        head = stems[0]
        for s in stems:
            mapping.setdefault(s, head)
    return mapping


SYNONYMS: dict[str, str] = _synonym_map()

# Words that move a question to another time than the one the base describes
# ("the *next* seminar", "*last year*"): an entry must use them too to answer.
TIME_SHIFTERS = frozenset(
    fold(w)
    for w in [
        "next",
        "upcoming",
        "future",
        "coming",
        "later",
        "previous",
        "former",
        "earlier",
        "past",
        "ago",
        "naechste",
        "naechsten",
        "naechster",
        "kommende",
        "kommenden",
        "kuenftig",
        "kuenftige",
        "zukuenftig",
        "zukuenftige",
        "vorherige",
        "vorige",
        "frueher",
        "frueheren",
        "damals",
    ]
)
JAPANESE_TIME_SHIFTERS = (
    "次回",
    "次の",
    "今度の",
    "来年",
    "来月",
    "去年",
    "昨年",
    "今後",
    "将来",
    "前回",
    "以前",
    "当時",
)
