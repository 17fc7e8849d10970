"""Closed-class words per language: what must not drive a match, and what tells languages apart.

Everything is written in plain spelling and folded at import, so the lists are read the
way the questions are. Question words ("when", "where", "wie viele") are *not* stop
words: they are what separates "when was the seminar" from "where was the seminar".
"""

from __future__ import annotations

from intents.normalise import fold, stem, words

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
actually basically currently probably perhaps maybe quick briefly roughly approximately
exactly precisely generally usually normally happen happens happened guys folks cheers
regards need needs needed ask asked asking sure pls plz u ur
january february march april june july august september october november december
"""

_DE_STOP = """
der die das den dem des ein eine einen einem einer eines kein keine keinen und oder aber sondern
wenn dann als wie ob dass daß es ich mir mich mein meine meinen meinem meiner wir uns unser unsere
du dir dich dein deine sie ihr ihre ihnen ihm ihn er man sein seine seinen seinem seiner ist sind
war waren bin bist seid wird werden wurde wurden worden hat haben hatte hatten habe hast kann
koennen konnte koennte koennten moechte moechten moegen will wollen wuerde wuerden soll sollen
sollte muss muessen darf in im ins an am auf aus bei beim mit nach von vom zu zum zur fuer durch
gegen ohne um unter ueber vor hinter neben zwischen bis seit bitte danke hallo hi guten gern
gerne mal doch ja nein nicht auch noch schon nur sehr so da hier dort denn eigentlich etwa etwas
viel mehr alle alles jede jeder jedes andere anderen anderer dies diese dieser dieses diesem diesen
jene erzaehlen erzaehl erzaehle erklaeren erklaer wissen weiss interessiert
interessiere information informationen infos frage fragen antwort gibt geben gab es's mich's
ueberhaupt genau bzw beziehungsweise usw eigentlich vielleicht also mal
ungefaehr kurz kurze gerade derzeit momentan braeuchte brauche brauchen euch euer eure
sich sowas irgendwie dafuer dazu davon damit darueber daran darauf darum deshalb
deswegen hierzu hierfuer sieht sehen habt hab hattet gibts
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

# Question words written without their apostrophe ("whos geisel").
CONTRACTIONS = {
    fold(written): fold(meant)
    for written, meant in (
        ("whats", "what"),
        ("whos", "who"),
        ("wheres", "where"),
        ("hows", "how"),
        ("whens", "when"),
        ("whys", "why"),
    )
}

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


# Stop words of one language that are content words in another: "kind" (English filler,
# German "child"), "man"/"war"/"hat" (German filler, English nouns).
_FALSE_FRIENDS = {
    "de": _folded("kind mine most"),
    "en": _folded("man bin war hat die rat"),
}


def stop_words(language: str | None) -> frozenset[str]:
    """Stop words for a text in ``language``: those of every language (people mix them:
    "wer is dr jakoby"), less the words that carry content in ``language``."""
    return _STOP_BY_LANGUAGE.get(language, ALL_STOP_WORDS) if language else ALL_STOP_WORDS


_STOP_BY_LANGUAGE = {
    language: ALL_STOP_WORDS - friends for language, friends in _FALSE_FRIENDS.items()
}
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "en": _folded(_EN_MARKERS) - _folded(_DE_MARKERS),
    "de": _folded(_DE_MARKERS) - _folded(_EN_MARKERS),
}

# General vocabulary of questions, in groups of words that ask the same thing. Not tuned
# to any base: a base about ferries, libraries or investment is not hurt by "firm" meaning
# "company". Each group is {language: words}; the words are folded, stemmed in their own
# language (Snowball) and mapped to one term, the stem of the group's first word, so
# "price", "cost", "fee", "Preis" and "Gebühr" all meet. Words that are ambiguous
# ("charge": a price or a battery; "book": a reservation or a book) belong in _RELATED
# below, where they count less than a full match.
_SYNONYM_GROUPS: tuple[dict[str, str], ...] = (
    {
        "en": "company companies firm firms business businesses enterprise enterprises "
        "corporation corporations",
        "de": "unternehmen firma firmen betrieb betriebe konzern konzerne",
    },
    {
        "en": "resident residents inhabitant inhabitants expat expats expatriates "
        "live lives living reside resides residing",
        "de": "einwohner bewohner einwohnerzahl leben lebt wohnen wohnt buerger",
    },
    {
        "en": "attendee attendees participant participants visitor visitors guest guests "
        "attend attended attending attendance participate participated participating",
        "de": "teilnehmer teilnehmerinnen besucher gaeste teilnahme teilgenommen nahmen teilnehmen",
    },
    {"en": "seminar seminars event events symposium"},
    {"de": "veranstaltung veranstaltungen seminar seminare konferenz tagung event"},
    {
        "en": "organise organised organize organized organiser organisers organizer "
        "organizers host hosts hosted hosting",
        "de": "veranstalter veranstaltet organisiert organisator ausrichter ausgerichtet gastgeber",
    },
    {
        "en": "say said says remark remarks comment comments statement statements quote "
        "quotes quoted stated",
        "de": "sagen sagte gesagt sagt aeussern aeusserte geaeussert aussage aussagen zitat "
        "zitate meinte meint erklaerte betonte",
    },
    {"en": "speak speaks spoke spoken speaker speakers talk talks talked"},
    {"en": "city town", "de": "stadt"},
    {
        "en": "price prices cost costs fee fees pricing tariff tariffs",
        "de": "preis preise kosten kostet gebuehr gebuehren tarif tarife entgelt",
    },
    {"en": "pay pays paid paying payment payments", "de": "bezahlen bezahlt gezahlt zahlung"},
    {
        "en": "cancel cancels cancelled canceled cancellation terminate termination",
        "de": "kuendigen kuendigung stornieren stornierung",
    },
    {
        "en": "reserve reserved reservation reservations",
        "de": "reservieren reserviert reservierung vormerken vormerkung",
    },
    {"en": "lose lost", "de": "verloren verlieren verlust"},
    {"en": "stolen steal theft", "de": "gestohlen stehlen diebstahl geklaut"},
    {
        "en": "discount discounts reduction reduced rebate concession concessions",
        "de": "rabatt ermaessigung ermaessigt nachlass",
    },
    {"en": "wifi wlan wireless", "de": "wlan wifi"},
    {"en": "open opens opened opening", "de": "oeffnen oeffnet geoeffnet offen"},
    {"en": "close closes closed closing shut", "de": "schliessen schliesst geschlossen"},
    {"en": "help support assistance assist", "de": "hilfe unterstuetzung helfen"},
    {"en": "contract contracts agreement agreements", "de": "vertrag vertraege vereinbarung"},
    {
        "en": "invoice invoices bill bills billing receipt receipts",
        "de": "rechnung rechnungen quittung quittungen beleg belege",
    },
    {
        "en": "employee employees staff workers personnel workforce headcount",
        "de": "mitarbeiter mitarbeiterin mitarbeitende personal beschaeftigte beschaeftigten "
        "angestellte belegschaft",
    },
    {"en": "job jobs career careers vacancy vacancies", "de": "stelle stellen karriere"},
    {"en": "startup startups start-up start-ups"},
    {"en": "skilled specialists talent talents", "de": "fachkraefte fachkraft talente"},
    {"en": "buy buying bought purchase purchasing", "de": "kaufen kauft gekauft erwerben"},
    {"en": "sell sells selling sold", "de": "verkaufen verkauft verkauf"},
    {"en": "rent renting rental hire hiring lease leasing", "de": "mieten miete vermieten"},
    {
        "en": "borrow borrowing lend lending loan loans",
        "de": "leihen ausleihen ausleihe verleihen verleiht leihe",
    },
    {"en": "child children kid kids", "de": "kind kinder"},
    {"en": "parent parents", "de": "eltern elternteil"},
    {"en": "student students", "de": "student studenten studierende"},
    {"en": "dog dogs puppy puppies", "de": "hund hunde welpe"},
    {"en": "pet pets animal animals", "de": "haustier haustiere tier tiere"},
    {"en": "car cars vehicle vehicles automobile", "de": "auto autos pkw fahrzeug wagen"},
    {"en": "bike bikes bicycle bicycles cycle cycling", "de": "fahrrad fahrraeder rad"},
    {"en": "park parking", "de": "parken parkplatz parkplaetze"},
    {"en": "toilet toilets restroom restrooms bathroom bathrooms loo wc", "de": "toilette wc klo"},
    {"en": "shower showers", "de": "dusche duschen"},
    {"en": "elevator elevators lift lifts", "de": "aufzug fahrstuhl lift"},
    {
        "en": "accessible accessibility wheelchair barrier-free disabled disability",
        "de": "barrierefrei barrierefreiheit rollstuhl behindert behinderung",
    },
    {"en": "drink drinks beverage beverages", "de": "getraenk getraenke trinken"},
    {"en": "meal meals food", "de": "essen mahlzeit mahlzeiten"},
    {"en": "smoke smoking smoker cigarette cigarettes", "de": "rauchen raucher zigarette"},
    {"en": "mail post letter letters", "de": "post brief briefe"},
    {
        "en": "parcel parcels package packages delivery deliveries",
        "de": "paket pakete paeckchen lieferung sendung",
    },
    {"en": "phone telephone", "de": "telefon telefonisch"},
    {"en": "email e-mail emails", "de": "email e-mail"},
    {"en": "contact", "de": "kontakt kontaktieren erreichen"},
    {"en": "meeting meetings", "de": "besprechung besprechungen meeting"},
    {
        "en": "signup register registration enrol enroll join joining",
        "de": "anmelden anmeldung registrieren registrierung beitreten",
    },
    {"en": "member members membership memberships", "de": "mitglied mitglieder mitgliedschaft"},
    {"en": "desk desks workspace workstation", "de": "schreibtisch schreibtische"},
    {"en": "office offices", "de": "buero bueros"},
    {"en": "locker lockers", "de": "schliessfach schliessfaecher spind"},
    {"en": "free complimentary gratis", "de": "kostenlos gratis umsonst"},
    {"en": "extend extension renew renewal prolong", "de": "verlaengern verlaengerung"},
    {
        "en": "refund refunds refunded reimburse reimbursed reimbursement repay repayment",
        "de": "erstattung erstatten erstattet rueckerstattung zurueckerstatten",
    },
    {"en": "tax taxes vat", "de": "steuer steuern mehrwertsteuer mwst"},
    {"en": "deposit deposits", "de": "kaution pfand"},
    {"en": "insurance insured liable liability", "de": "versicherung versichert haftung haften"},
    {"en": "trial", "de": "probe probetag probemonat"},
    {"en": "tour tours viewing", "de": "besichtigung fuehrung fuehrungen"},
    {"en": "problem problems issue issues trouble", "de": "problem probleme stoerung"},
    {"en": "broken damaged damage", "de": "kaputt beschaedigt schaden defekt"},
    {"en": "late overdue", "de": "verspaetet ueberfaellig ueberzogen"},
    {"en": "fast speed speeds slow", "de": "schnell geschwindigkeit langsam"},
    {"en": "airport airports", "de": "flughafen"},
    {"en": "station", "de": "bahnhof"},
    {"en": "train trains rail railway", "de": "zug zuege bahn"},
    {"en": "noise noisy loud", "de": "laerm laut"},
    {"en": "heating heater", "de": "heizung"},
    {"en": "key keys", "de": "schluessel"},
    {"en": "password passwords", "de": "passwort kennwort"},
    {"en": "printer printers printing print prints", "de": "drucker drucken druck ausdruck"},
    {"en": "book books", "de": "buch buecher"},
    {"en": "holiday holidays", "de": "feiertag feiertage"},
    {"en": "vacation vacations", "de": "urlaub ferien"},
    {"en": "weekend weekends", "de": "wochenende wochenenden"},
    {"en": "night nights overnight", "de": "nacht naechte uebernachten"},
    {"de": "stattfinden stattgefunden abgehalten abhalten"},
    {"en": "number numbers count", "de": "anzahl zahl"},
    {
        "en": "return returns returned returning",
        "de": "rueckgabe zurueckgeben zurueckgegeben zurueckbringen",
    },
    {"en": "pause paused suspend suspension freeze", "de": "pausieren pausiert aussetzen"},
    {"en": "document documents paperwork", "de": "unterlagen dokument dokumente"},
    {"en": "kitchen kitchens", "de": "kueche kuechen"},
)

# Words that are close but not the same: a kind of the first word ("espresso" is a
# coffee), or a word often used for it. A question word reaches a base word of its group
# at RELATED_SIMILARITY of a full match, in either direction.
RELATED_SIMILARITY = 0.7
_RELATED_GROUPS: tuple[dict[str, str], ...] = (
    {"en": "coffee espresso cappuccino latte", "de": "kaffee espresso cappuccino"},
    {"en": "pet cat cats bird birds", "de": "haustier katze katzen vogel"},
    {"en": "dog labrador retriever terrier poodle", "de": "hund dackel"},
    {
        "en": "price charge charges rate rates expensive cheap cheaper",
        "de": "preis teuer billig guenstig",
    },
    {
        "en": "pay card cards visa mastercard amex paypal cash",
        "de": "bezahlen karte kreditkarte girocard paypal",
    },
    {"en": "computer laptop laptops notebook pc"},
    {"en": "phone mobile smartphone call calls calling", "de": "telefon handy anruf anrufen"},
    {"en": "meal lunch dinner breakfast snack snacks", "de": "essen mittagessen fruehstueck snack"},
    {"en": "drink water tea beer alcohol wine", "de": "getraenk wasser tee bier alkohol wein"},
    {
        "en": "weekend saturday saturdays sunday sundays",
        "de": "wochenende samstag samstags sonntag sonntags",
    },
    {
        "en": "weekday weekdays monday mondays tuesday tuesdays wednesday wednesdays thursday "
        "thursdays friday fridays",
        "de": "werktag werktage montag montags dienstag dienstags mittwoch mittwochs donnerstag "
        "donnerstags freitag freitags",
    },
    {"en": "holiday christmas easter", "de": "feiertag weihnachten ostern silvester"},
    {"en": "wifi internet network connection online", "de": "wlan internet netz netzwerk online"},
    {
        "en": "printer copy copies copier scan scanner",
        "de": "drucker kopie kopieren kopierer scanner",
    },
    {"en": "reserve book booking booked", "de": "reservieren buchen buchung gebucht"},
    {"en": "cancel end ending quit", "de": "kuendigen beenden"},
    {
        "en": "lose missing disappeared gone forgot forgotten",
        "de": "verloren weg verschwunden vergessen liegengelassen",
    },
    {"en": "open hours", "de": "oeffnungszeiten uhrzeit"},
    {"en": "room", "de": "raum zimmer bereich"},
    {"en": "desk seat seats table tables", "de": "arbeitsplatz platz tisch tische"},
    {"en": "parcel mail letter"},
    {"en": "contact reach", "de": "kontakt erreichbar"},
    {"en": "trial test try", "de": "probe testen ausprobieren"},
    {"en": "tour visit", "de": "besichtigung anschauen"},
    {"en": "car garage", "de": "auto garage tiefgarage"},
    {"en": "accessible ramp", "de": "barrierefrei rampe stufenlos"},
    {"en": "broken defective faulty", "de": "kaputt defekt"},
    {"en": "late delay delayed", "de": "verspaetet verspaetung"},
    {"en": "child baby toddler daughter son", "de": "kind baby kleinkind tochter sohn"},
    {"en": "student pupil", "de": "student schueler"},
    {"en": "charity charities nonprofit non-profit ngo", "de": "verein gemeinnuetzig"},
    {"en": "guest client visitor", "de": "gast kunde besucher"},
    # A kind of company, or a loose word for one ("Japanese outfits in Düsseldorf").
    {"en": "company outfit outfits subsidiary subsidiaries", "de": "unternehmen tochterfirma"},
    # People of a place: not always its residents ("people attended"), so only close.
    {
        "en": "resident people nationals community",
        "de": "einwohner leute menschen",
    },
    # A figure asked for in other words than "how many".
    {"en": "number figure figures stats statistics total", "de": "anzahl zahlen statistik"},
    {"en": "book novel novels paperback", "de": "buch roman romane"},
    {"en": "return drop", "de": "rueckgabe abgeben"},
    {
        "en": "locker lock bag bags backpack backpacks rucksack luggage suitcase",
        "de": "schliessfach einschliessen wegschliessen tasche taschen rucksack gepaeck koffer",
    },
    {"en": "kitchen microwave fridge", "de": "kueche mikrowelle kuehlschrank"},
    {"en": "heat warm", "de": "aufwaermen erwaermen warm"},
    {"en": "pause hold", "de": "pausieren ruhen"},
)

# Japanese has no spaces, so its terms are bigrams ("企業"): bigrams that ask the same
# are mapped onto one of them, as the Latin synonyms are.
JAPANESE_SYNONYMS: dict[str, str] = {
    "会社": "企業",
    "法人": "企業",
    "住民": "在住",
    "居住": "在住",
}


def _group_words(group: dict[str, str]) -> list[tuple[str, str]]:
    """(language, folded word) of a group; written multi-word forms are left out."""
    found = []
    for language, text in group.items():
        for written in text.split():
            parts = words(fold(written))
            if len(parts) == 1:
                found.append((language, parts[0]))
    return found


def _synonym_map() -> dict[tuple[str | None, str], str]:
    """(language, stem) -> the group's term; language None holds the light stems."""
    mapping: dict[tuple[str | None, str], str] = {}
    for group in _SYNONYM_GROUPS:
        members = _group_words(group)
        head = stem(members[0][1], members[0][0])
        for language, word in members:
            mapping.setdefault((language, stem(word, language)), head)
            mapping.setdefault((None, stem(word)), head)
    return mapping


SYNONYMS: dict[tuple[str | None, str], str] = _synonym_map()


def synonym_term(word_stem: str, language: str | None) -> str:
    return SYNONYMS.get((language, word_stem), word_stem)


def _related_map() -> dict[str, frozenset[str]]:
    """term -> the terms it is close to (both directions within a group)."""
    related: dict[str, set[str]] = {}
    for group in _RELATED_GROUPS:
        terms = {
            synonym_term(stem(word, language), language) for language, word in _group_words(group)
        }
        terms |= {synonym_term(stem(word), None) for _, word in _group_words(group)}
        for term in terms:
            related.setdefault(term, set()).update(terms - {term})
    return {term: frozenset(others) for term, others in related.items()}


RELATED: dict[str, frozenset[str]] = _related_map()
# Every word of the lexicon with its term: a misspelt question word is looked up among
# these as well as among the base's own words ("firmn": "firmen").
LEXICON_WORDS: dict[tuple[str, str], str] = {
    (language, word): synonym_term(stem(word, language), language)
    for group in _SYNONYM_GROUPS + _RELATED_GROUPS
    for language, word in _group_words(group)
}
# Every term the lexicon knows: general vocabulary, a plausible head of a compound.
LEXICON_TERMS: frozenset[str] = frozenset(SYNONYMS.values()) | frozenset(RELATED)


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
