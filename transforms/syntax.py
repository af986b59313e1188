"""Small readings of the dependency parse that the candidate features share.

Each function answers one question about a token or a pair of tokens: where a holder really sits
in its clause, the path between a holder and a topic, which stance word governs a topic, whether a
word is negated, reversed, hypothetical or past.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from transforms.cues import Cues, stance_polarity
from transforms.parse import Sent, Word

SUBJECT_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "agent"])
MODIFIER_DEPS = frozenset(["compound", "amod", "poss", "nmod", "npadvmod"])
CONDITION_MARKS = frozenset(["if", "unless", "whether", "once", "provided", "providing", "until"])
NEGATION_WINDOW = 3
COMPARATIVE_TAGS = frozenset(["JJR", "RBR"])
# Stances whose bare complement clause is what the holder wants done ("wants sanctions eased").
WISHES = frozenset(["supports", "demands"])
# Dependencies through which a topic is the object of the word above it ("halt [arms supplies, mobilization]").
# Not an adjective's: the noun it qualifies is of its kind ("a humanitarian pause" is a humanitarian truce).
CARRIER_DEPS = frozenset(["dobj", "pobj", "prep", "conj", "compound", "appos", "nsubjpass", "attr", "nmod"])
# Prepositions of time and circumstance: what hangs on a word through them is its adjunct, not its object.
ADJUNCT_PREPOSITIONS = frozenset(
    [
        "as",
        "after",
        "during",
        "in",
        "at",
        "before",
        "since",
        "amid",
        "following",
        "despite",
        "ahead",
        "like",
        "under",
        "within",
        "throughout",
        "upon",
    ]
)
KEEP_OUT = frozenset(["stay", "keep", "remain", "leave", "be"])
AFTER_REVERSAL = frozenset(["relief", "removal", "lifting", "easing", "freeze", "halt", "cut", "suspension"])


def lemma(token: Word) -> str:
    """Return the lower-case lemma (the text when the pipeline gave none)."""
    return token.keys[1]


def stance_of(token: Word, cues: Cues) -> str | None:
    """Return the stance class a single word names, by its part of speech."""
    word = lemma(token)
    if token.pos_ in {"VERB", "AUX"}:
        stance = cues.verbs.get(word)
        if stance == "opposes" and word in cues.speech and any(c.dep_ == "ccomp" for c in token.children):
            return None  # "warned that relief was not on the table" reports; "warned against a truce" opposes
        return stance
    if token.pos_ in {"NOUN", "PROPN"}:
        return cues.nouns.get(word) or cues.nouns.get(token.lower_)
    if token.pos_ == "ADJ":
        found = cues.adjectives.get(word) or cues.adjectives.get(token.lower_)
        if found is None and word.startswith("un"):
            # "uninterested in a truce", "unprepared to compromise": the un- form of a word for is against
            base = cues.adjectives.get(word[2:])
            found = "opposes" if base is not None and stance_polarity(base) == "pro" else None
        return found
    return None


def effective_holder(token: Word, group_nouns: frozenset[str]) -> tuple[Word, str]:
    """Climb from a holder's word to the word that plays its part in the clause, and say how.

    "France" in "the leaders of Germany and France insisted" climbs through the coordination and
    "leaders of" to "leaders", the subject; "Russia" in "Russia's demand" to "demand".
    """
    climbed = "none"
    for _ in range(6):
        head = token.head
        if head.i == token.i:
            break
        if token.dep_ in {"conj", "appos"}:
            climbed = token.dep_ if climbed == "none" else climbed
        elif token.dep_ in MODIFIER_DEPS and head.pos_ in {"NOUN", "PROPN"}:
            climbed = "modifier"
        elif token.dep_ == "pobj" and head.lower_ == "of" and lemma(head.head) in group_nouns:
            climbed, token = "group", head
            head = token.head
        elif token.dep_ == "pobj" and _listing(head):
            # "allies, including Britain and France, demanded": the members a group lists hold what it does.
            climbed, token = "group", head
            head = token.head
        elif (
            token.dep_ == "pobj" and head.dep_ == "agent" and head.head.dep_ == "acl" and head.head.head.pos_ == "NOUN"
        ):
            # "the terms proposed by the Kremlin": the author stands where the document does.
            climbed, token = "author", head.head
            head = token.head
        else:
            break
        token = head
    return token, climbed


def _listing(word: Word) -> bool:
    """Tell whether a preposition lists a noun's members: "including", "like", "such as"."""
    if word.lower_ in {"including", "like"}:
        return True
    return word.lower_ == "as" and any(c.lower_ == "such" for c in word.children)


def conjuncts(word: Word) -> list[Word]:
    """Return a word and the words coordinated with it, however spaCy chains them."""
    found, stack = [], [word]
    while stack:
        current = stack.pop()
        found.append(current)
        stack += [c for c in current.children if c.dep_ == "conj"]
    return found


def shares_negation(conjunct: Word) -> bool:
    """Tell whether a coordinated verb falls under its head's negation.

    "will not cede land or lift sanctions" and "will not cede land and lift sanctions" deny both;
    "would not cede land and called for sanctions" denies only the first: the second has its own tense.
    """
    head = conjunct.head
    if any(c.dep_ == "cc" and c.lower_ in {"or", "nor"} for c in conjunct.children):
        return True
    own = any(c.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass", "neg"} for c in conjunct.children)
    return not own and conjunct.tag_ == head.tag_


def denied_subject(word: Word) -> bool:
    """Tell whether a subject denies its verb itself: "neither Kyiv nor Moscow wants a truce"."""
    return any(c.dep_ in {"det", "preconj", "cc"} and c.lower_ in {"neither", "nor"} for c in word.children)


def ancestors_to_root(token: Word) -> list[Word]:
    """Return the token and its heads up to the root of its sentence."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i and len(chain) < 50:
        chain.append(chain[-1].head)
    return chain


def path(a: Word, b: Word) -> tuple[list[Word], Word, list[Word]]:
    """Return the dependency path from ``a`` up to the lowest common ancestor and down to ``b``."""
    up = ancestors_to_root(a)
    down = ancestors_to_root(b)
    seen = {t.i for t in up}
    lca = next((t for t in down if t.i in seen), down[-1])
    up_part = [t for t in up[: [t.i for t in up].index(lca.i)]] if lca.i in seen else up
    down_part = down[: [t.i for t in down].index(lca.i)]
    return up_part, lca, list(reversed(down_part))


def directly_negated(token: Word, cues: Cues) -> bool:
    """Tell whether the word is negated: a ``neg`` child, a negation just before it ("never accepted", "no ceasefire").

    A subject can deny its verb too: "neither Europe nor Ukraine will recognise".
    """
    if any(c.dep_ == "neg" for c in token.children):
        return True
    if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
        return True
    if any(c.dep_ in SUBJECT_DEPS and denied_subject(c) for c in token.children):
        return True
    before = token.doc[max(token.sent.start, token.i - NEGATION_WINDOW) : token.i]
    # A negation that hangs on a verb between denies that verb: "cannot accept U.S. proposals" denies the accepting.
    return any(
        (t.lower_ in cues.negations or _scant(t) or _far_from(t))
        and t.lower_ != "without"
        and not (t.i < t.head.i < token.i and t.head.pos_ in {"VERB", "AUX"})
        for t in before
    )


def _scant(word: Word) -> bool:
    """Tell whether a word says there is next to none: "little reason to accept" (not "a little")."""
    if word.lower_ != "little" or word.dep_ not in {"amod", "det"} or word.head.pos_ != "NOUN":
        return False
    return word.i == word.sent.start or word.doc[word.i - 1].lower_ != "a"


def _far_from(word: Word) -> bool:
    """Tell whether a word is the "from" of "far from", which denies what follows ("far from ready for a truce")."""
    return word.lower_ == "from" and word.i > word.sent.start and word.doc[word.i - 1].lower_ == "far"


def _yet_to(clause: Word) -> bool:
    """Tell whether a clause is what has not happened yet: "Moscow has yet to accept", "is yet to agree"."""
    head = clause.head
    return (
        clause.dep_ == "xcomp"
        and lemma(head) in {"have", "be"}
        and any(c.dep_ == "advmod" and c.lower_ == "yet" for c in head.children)
    )


def negated(token: Word, cues: Cues) -> bool:
    """Negated itself, or governed by a negated control word ("did not try to block", "never intended to accept")."""
    current = token
    for _ in range(3):
        if directly_negated(current, cues) or _yet_to(current):
            return True
        head = current.head
        if current.dep_ not in {"xcomp", "acomp"} or head.i == current.i:
            return False
        if lemma(head) in {"unlikely", "unable"}:
            return True
        if lemma(head) not in cues.control:
            return False
        current = head
    return False


def reversed_topic(
    words: list[Word],
    root: Word,
    stop: int | None,
    cue_tokens: set[int],
    cues: Cues,
    topic: str,
    own: bool = True,
    others: frozenset[int] = frozenset(),
) -> bool:
    """Whether the topic is what someone wants stopped: "an end to X", "X relief", "halt X and Y", "X be lifted".

    Reads the topic's own words ("the easing of sanctions", "withdraw from the process"), the words just
    before it and its heads up to the stance word (``stop``); a word that is itself the topic's substance
    ("a reduction of the army" for demilitarization, "an asset freeze" for sanctions) is no reversal.
    ``own``: the words name this topic; a derived topic (mediation of a truce) borrows another's. An attack on
    what the topic protects (``harm_words``: "strikes on energy facilities") reverses it too, and a reversal of
    the attack undoes that: "halt strikes on energy facilities" is for the energy deal. An attack whose doer is
    another actor (a token of ``others``) is one the holder only reports: "Zelensky said Russia struck a plant".
    """
    harm = cues.harm.get(topic, frozenset())
    if not harm:
        return _reversal(words, root, stop, cue_tokens, cues, topic, own)
    # "strikes against energy sites": "against" only aims the attack, which is the reversal here, counted once;
    # a reversal just before the attack undoes it wherever the parser hangs it ("a moratorium on strikes against").
    aimed = [t for t in root.ancestors if t.lower_ == "against" and lemma(t.head) in harm]
    doc = root.doc
    undone = any(
        lemma(w) in cues.reversal and w.i not in cue_tokens
        for t in aimed
        for w in doc[max(root.sent.start, t.head.i - NEGATION_WINDOW) : t.head.i]
    )
    reversal = undone or _reversal(words, root, stop, cue_tokens | {t.i for t in aimed}, cues, topic, own)
    return reversal != _harmed(words, root, stop, harm, others)


def _harmed(words: list[Word], root: Word, stop: int | None, harm: frozenset[str], others: frozenset[int]) -> bool:
    """Tell whether the topic's words, or a head above them up to the stance word, attack what it protects."""
    attacks = [t for t in words if lemma(t) in harm]
    current = root
    for _ in range(4):
        head = current.head
        if attacks or head.i == current.i or head.i == stop or current.dep_ not in CARRIER_DEPS:
            break
        if lemma(head) in harm:
            attacks.append(head)
        current = head
    doers = {"nsubj", "poss", "amod", "compound", "agent"}
    return any(not any(c.dep_ in doers and c.i in others for c in attack.children) for attack in attacks)


def _reversal(
    words: list[Word], root: Word, stop: int | None, cue_tokens: set[int], cues: Cues, topic: str, own: bool
) -> bool:
    first = words[0]
    doc = first.doc
    exempt = cues.reversal_exempt.get(topic, frozenset())
    opposite = cues.topic_reversal.get(topic, frozenset())
    if own and any((lemma(t) in cues.reversal or lemma(t) in opposite) and lemma(t) not in exempt for t in words):
        return True
    if own and any(c.dep_ == "amod" and c.pos_ == "ADJ" and lemma(c) in opposite for c in root.children):
        return True  # "no legitimate leadership": the topic's opposite said of it, though named as another cue
    if own and tuple(lemma(t) for t in words) in cues.leaving_threats:
        return True  # the topic named by leaving it ("prepared to walk away" from mediation)
    for t in doc[max(first.sent.start, first.i - 5) : first.i]:
        if t.lower_ in {"instead", "rather"} and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in {"of", "than"}:
            return True
        # "stay out of NATO", "keep Ukraine out of the alliance" (not "coming out of the talks")
        if t.lower_ == "out" and lemma(t.head) in KEEP_OUT and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "of":
            return True
    # A coordinated noun shares what stands before the first of the list: "halt arms supplies, mobilization".
    lead = root
    while lead.dep_ == "conj" and lead.pos_ not in {"VERB", "AUX"} and lead.head.i != lead.i:
        lead = lead.head
    for start in {first.i, min(first.i, lead.i)}:
        for t in doc[max(first.sent.start, start - 3) : start]:
            if _reverses(t, cue_tokens, cues, exempt):
                return True
            if t.tag_ in COMPARATIVE_TAGS and lemma(t) in cues.decrease and lemma(t) not in exempt:
                return True
    if root.dep_ in {"nsubj", "nsubjpass"} and _shared_passive_reversal(root.head, cue_tokens, cues, exempt):
        return True
    if (
        root.dep_ == "nsubj"
        and lemma(root) not in cues.event_nouns
        and _wished_to_stop(root.head, cue_tokens, cues, exempt)
    ):
        return True
    after = doc[root.i + 1 : min(root.sent.end, root.i + 2)]
    if any(lemma(t) in AFTER_REVERSAL and lemma(t) not in exempt for t in after):
        return True
    current = root
    for _ in range(6):
        head = current.head
        if head.i == current.i or head.i == stop or current.dep_ not in CARRIER_DEPS:
            break
        if _reverses(head, cue_tokens, cues, exempt):
            return True
        current = head
    return False


def _reverses(word: Word, cue_tokens: set[int], cues: Cues, exempt: frozenset[str]) -> bool:
    """Tell whether a word outside the stance cues is a reversal word, and not the topic's own substance."""
    return word.i not in cue_tokens and lemma(word) in cues.reversal and lemma(word) not in exempt


def _shared_passive_reversal(verb: Word, cue_tokens: set[int], cues: Cues, exempt: frozenset[str]) -> bool:
    """Tell whether a passive reversal coordinated with the topic's verb shares it as its subject.

    "the sanctions had failed and should be lifted": spaCy hangs the subject on the first verb only.
    """
    for other in conjuncts(verb)[1:]:
        if any(c.dep_ in SUBJECT_DEPS for c in other.children) or not any(c.dep_ == "auxpass" for c in other.children):
            continue
        if _reverses(other, cue_tokens, cues, exempt):
            return True
    return False


def _wished_to_stop(verb: Word, cue_tokens: set[int], cues: Cues, exempt: frozenset[str]) -> bool:
    """Tell whether the topic's own verb stops it as a wish or a condition, not as an event.

    "only if arms supplies stop", "sanctions must end" and "wants sanctions eased" do; "the supplies stopped in
    March" and "said sanctions eased" do not.
    """
    if not _reverses(verb, cue_tokens, cues, exempt):
        return False
    # A bare clause a wish or demand takes: "wants sanctions eased", "demanded sanctions lifted".
    if (
        verb.dep_ == "ccomp"
        and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children)
        and cues.verbs.get(lemma(verb.head)) in WISHES
    ):
        return True
    return any(
        (c.dep_ == "aux" and c.lower_ in cues.modals) or (c.dep_ == "mark" and c.lower_ in CONDITION_MARKS)
        for c in verb.children
    )


def hypothetical(token: Word) -> bool:
    """Whether the word sits in a condition ("if Russia rejects", "should Moscow refuse", "were a truce to hold")."""
    current = token
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in current.children):
            return True
        inverted = [c for c in current.children if c.dep_ == "aux" and c.lower_ in {"should", "were", "had"}]
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        if inverted and subjects and inverted[0].i < subjects[0].i:
            return True
        if current.dep_ not in {"xcomp", "conj", "acomp", "ccomp"} or current.head.i == current.i:
            return False
        current = current.head
    return False


def condition_mark(clause: Word) -> str | None:
    """Return how a clause states a condition: its mark ("if", "unless"), or "should" for an inversion.

    An inverted clause is a condition however it is attached ("urged sanctions should Russia reject a truce"
    parses as a complement); a marked one only as an adverbial clause ("asked if Russia would agree" asks).
    """
    if clause.dep_ not in {"advcl", "ccomp"}:
        return None
    marks = [c.lower_ for c in clause.children if c.dep_ == "mark" and c.lower_ in {"if", "unless"}]
    if marks:
        return marks[0] if clause.dep_ == "advcl" else None
    inverted = [c for c in clause.children if c.dep_ == "aux" and c.lower_ in {"should", "were", "had"}]
    subjects = [c for c in clause.children if c.dep_ in SUBJECT_DEPS or c.dep_ == "expl"]
    return "should" if inverted and subjects and inverted[0].i < subjects[0].i else None


def verb_of(token: Word) -> Word:
    """Return the verb (or the root) whose clause a word belongs to."""
    current = token
    for _ in range(12):
        if current.pos_ in {"VERB", "AUX"} or current.head.i == current.i:
            return current
        current = current.head
    return current


def modal(verb: Word, cues: Cues) -> bool:
    """Tell whether the verb bears a modal or future auxiliary ("would accept", "will host", "could let")."""
    return any(c.dep_ == "aux" and lemma(c) in cues.modals for c in verb.children)


def past(verb: Word) -> bool:
    """Tell whether the clause is in the past ("agreed", "had proposed")."""
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(lemma(c) == "have" for c in verb.children if c.dep_ == "aux")


# A clause dated this many years before the article is history ("in March 2022 the sides were close to a truce"):
# what someone said last year may still be their position; two years on the talks have moved.
HISTORY_YEARS = 2
DATING_PREPOSITIONS = frozenset(["in", "on", "during", "at"])
# The nouns a date is built on ("in the fall of 2022", "on March 3, 2022", "at the end of 2021").
DATE_NOUNS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "year",
        "end",
        "start",
        "beginning",
        "middle",
        "half",
        "quarter",
    ]
)
YEAR = re.compile(r"(?:19|20)\d\d")


def dated_history(token: Word, day: date | None) -> bool:
    """Tell whether the clause a word sits in is dated ``HISTORY_YEARS`` or more before the article's day.

    The word itself ("the ceasefire in 2014") and every verb above it up to its clause's root count: "in 2022,
    Russia said it would accept talks" dates "accept". A coordinated clause stands on its own ("In 2022 Russia
    invaded, and now it demands…"), and "since 2022" dates the start of what still goes on.
    """
    if day is None:
        return False
    current = token
    for _ in range(12):
        if current is token or current.pos_ in {"VERB", "AUX"}:
            if any(year <= day.year - HISTORY_YEARS for year in _dating_years(current)):
                return True
            if current.dep_ == "conj" and current.pos_ in {"VERB", "AUX"}:
                return False
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def questioned(token: Word, stance_words: Collection[int]) -> bool:
    """Tell whether a topic word sits in an indirect question: its clause asks "whether" it happens.

    "has not said whether it would back new sanctions", "asked whether Russia would agree to a truce", "will
    decide whether to impose sanctions": nobody's stance. The first verb above the topic decides, and a stance
    noun below that verb, or as its object, is a stance the question only mentions ("whether he would drop his
    demands for land" still demands land).
    """
    current = token
    for _ in range(12):
        if current.pos_ in {"NOUN", "PROPN"} and current.i in stance_words and current.i != token.i:
            return False
        if current.pos_ in {"VERB", "AUX"}:
            mentioned = any(c.dep_ == "dobj" and c.i in stance_words for c in current.children)
            return not mentioned and any(c.dep_ == "mark" and c.lower_ == "whether" for c in current.children)
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def event_outcome(token: Word, cues: Cues) -> bool:
    """Tell whether a topic word only tells how an event ended: "the call ended without a ceasefire deal".

    What talks end without ("without a ceasefire deal", "with no agreement on…") is their outcome, nobody's
    stance on it, and "the call ended" is no truce however "end" names one elsewhere. The first verb above the
    topic decides: a stance verb between them keeps it ("ended the call without agreeing to a ceasefire" refuses
    it), and so does a negated or modal ending ("must not end without a ceasefire" wants one).
    """
    if token.pos_ == "VERB":
        return _reported_ending(token, cues) and any(
            c.dep_ == "nsubj" and lemma(c) in cues.event_nouns for c in token.children
        )
    absent = False
    current = token
    for _ in range(12):
        head = current.head
        if head.i == current.i:
            return False
        if current.dep_ == "pobj" and (
            head.lower_ == "without" or (head.lower_ == "with" and any(c.lower_ == "no" for c in current.children))
        ):
            absent = True
        current = head
        if current.pos_ in {"VERB", "AUX"}:
            return absent and _reported_ending(current, cues)
    return False


def _reported_ending(verb: Word, cues: Cues) -> bool:
    """Tell whether a verb reports that something ended: an ending verb, not negated, wished or foreseen."""
    if lemma(verb) not in cues.outcome_verbs:
        return False
    return not any(
        c.dep_ in {"neg", "aux"} and (c.lower_ in cues.negations or c.lower_ in cues.modals or c.lower_ == "to")
        for c in verb.children
    )


def _dating_years(word: Word) -> list[int]:
    """Return the years of the dates a word's own prepositions give it ("in 2022", "during the summer of 2023")."""
    years = []
    back = [c for c in word.children if c.dep_ == "advmod" and c.lower_ == "back"]  # "back in 2023"
    for prep in [*word.children, *(c for b in back for c in b.children)]:
        if prep.dep_ != "prep" or prep.lower_ not in DATING_PREPOSITIONS:
            continue
        for head in (c for c in prep.children if c.dep_ == "pobj"):
            if YEAR.fullmatch(head.text):
                years.append(int(head.text))
            elif head.lower_ in DATE_NOUNS:
                near = [g for c in head.children for g in (c, *c.children)]
                years += [int(t.text) for t in near if YEAR.fullmatch(t.text)]
    return years


# Where a person stands in a photo: "(L)", "(R)", "(c)", "(from 2nd L)", "(left)", "(centre)".
PHOTO_POSITION = re.compile(
    r"\((?:from |far |second |third )?(?:\d(?:st|nd|rd|th) )?(?:l|r|c|left|right|center|centre)\)", re.IGNORECASE
)


def is_caption(sent: Sent) -> bool:
    """Tell whether a sentence is a photo caption: it says who is pictured, not what anyone wants.

    "Members of the Ukrainian (R) and Russian (L) delegations attend the talks" names where each stands.
    """
    return PHOTO_POSITION.search(sent.text) is not None


def is_question(sent: Sent) -> bool:
    """Tell whether a sentence asks rather than states."""
    return sent.text.rstrip(" \"'”’»)").endswith("?")


def condition_clause(cue: Word) -> str | None:
    """Return the condition attached to the stance's clause ("ready to talk once a truce holds"), if any."""
    clause = cue
    for _ in range(3):
        for child in clause.children:
            marks = {m.lower_ for m in child.children if m.dep_ in {"mark", "advmod"}}
            if child.dep_ == "advcl" and marks & (CONDITION_MARKS | {"after"}) - {"whether"}:
                return child.doc.span_text(child.left_edge.i, child.right_edge.i + 1)
            if (
                child.dep_ == "prep"
                and child.lower_ in {"after", "until", "unless"}
                and any(c.dep_ == "advmod" and c.lower_ == "only" for c in child.children)
            ):
                return child.doc.span_text(child.i, child.right_edge.i + 1)
        if clause.dep_ not in {"xcomp", "acomp", "amod", "conj"} or clause.head.i == clause.i:
            break
        clause = clause.head
    return None
