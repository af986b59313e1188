"""Features of the stance: the cue governing the topic, the holder's own stance word, and the polarity they read."""

from __future__ import annotations

from transforms.candidates import StanceCue
from transforms.cues import CUE_CLASSES as CLASSES
from transforms.cues import NEGATED_STANCE, STANCE_OF_CLASS, stance_polarity
from transforms.features.registry import CUE_CLASSES, POS, feature
from transforms.features.topic import topic_negated, topic_reversed
from transforms.features.view import View
from transforms.parse import Word
from transforms.syntax import (
    NEGATION_WINDOW,
    condition_mark,
    hypothetical,
    lemma,
    modal,
    negated,
    past,
    reversed_topic,
    shares_negation,
)

# Consequences that are a penalty even without a threat or sanctions word: "we will act", "we will respond".
PENALTY_VERBS = frozenset(["act", "respond", "retaliate", "punish", "strike"])


@feature("gov_class", CUE_CLASSES)
def gov_class(v: View) -> str:
    """Return the stance class of the cue governing the topic."""
    return v.governing.stance if v.governing is not None else "none"


@feature("gov_pos", POS)
def gov_pos(v: View) -> str:
    """Return the part of speech of the cue governing the topic."""
    return v.governing.token.pos_ if v.governing is not None else "none"


@feature("gov_on_path")
def gov_on_path(v: View) -> float:
    """Tell whether the governing cue lies on the holder's path to the topic."""
    return float(v.governing is not None and v.governing.token.i in {t.i for t in v.path_tokens})


@feature("gov_distance")
def gov_distance(v: View) -> float:
    """Return the distance in words between the governing cue and the topic."""
    return float(abs(v.governing.token.i - v.topic_root.i)) if v.governing is not None else 99.0


@feature("gov_negated")
def gov_negated(v: View) -> float:
    """Tell whether the governing cue is negated (or governed by a negated control verb)."""
    return float(v.governing is not None and negated(v.governing.token, v.cues))


@feature("gov_hypothetical")
def gov_hypothetical(v: View) -> float:
    """Tell whether the governing cue sits in a condition ("if Russia rejects")."""
    return float(hypothetical(v.governing.token if v.governing is not None else v.topic_root))


@feature("verb_modal")
def verb_modal(v: View) -> float:
    """Tell whether the governing clause bears a modal or future auxiliary."""
    return float(modal(v.verb, v.cues))


@feature("verb_past")
def verb_past(v: View) -> float:
    """Tell whether the governing clause is in the past."""
    return float(past(v.verb))


@feature("verb_present")
def verb_present(v: View) -> float:
    """Tell whether the governing clause is in the present."""
    return float(v.verb.tag_ in {"VBZ", "VBP"})


@feature("verb_is_speech")
def verb_is_speech(v: View) -> float:
    """Tell whether the governing clause's verb is a verb of saying."""
    return float(lemma(v.verb) in v.cues.speech)


@feature("analysis_word")
def analysis_word(v: View) -> float:
    """Tell whether a word of aims ("wants", "seeks", "is likely to") comes before the governing cue."""
    end = v.governing.token.i + 1 if v.governing is not None else v.topic_root.i
    sentence = v.candidate.sentence
    return float(
        any(sentence.lemmas[i - sentence.span.start] in v.cues.analysis for i in range(sentence.span.start, end))
    )


for _stance in CLASSES:

    def _present(v: View, stance: str = _stance) -> float:
        return float(sum(1 for c in v.candidate.sentence.cues if c.stance == stance))

    feature(f"sentence_has_{_stance}", per_sentence=True)(_present)


@feature("holder_cue_class", CUE_CLASSES)
def holder_cue_class(v: View) -> str:
    """Return the stance class of the holder's own stance word; a negated word against is the word for.

    "No objection" and "did not rule out" are few in any gold, "supports" and "offers" many: the scorer
    reads a double negative by what it has learnt of the plain word (negated, "accepts" stays itself).
    """
    if v.holder_cue is None:
        return "none"
    stance = v.holder_cue.stance
    return NEGATED_STANCE[stance] if double_negative(v) else stance


@feature("holder_cue_negated")
def holder_cue_negated(v: View) -> float:
    """Tell whether the holder's stance word is negated (a double negative is read as the word for)."""
    return float(v.holder_cue is not None and negated(v.holder_cue.token, v.cues) and not double_negative(v))


def double_negative(v: View) -> bool:
    """Tell whether the holder's stance word is a word against, negated: "no objection", "did not rule out"."""
    cue = v.holder_cue
    return (
        cue is not None
        and cue.stance in NEGATED_STANCE
        and stance_polarity(cue.stance) == "contra"
        and negated(cue.token, v.cues)
    )


@feature("path_polarity", ("pro", "contra"))
def path_polarity(v: View) -> str:
    """Return the polarity read along the holder's path: its stance word, every negation up to it, a reversed topic."""
    cue = v.holder_cue
    polarity = cue_polarity(v, cue) if cue is not None else "pro"
    stop = v.attach if v.attach is not None else len(v.chain) - 1
    part = v.chain[: stop + 1]
    # A coordinated verb starts a branch of its own: its head's negation is not the holder's stance on it.
    for index, token in enumerate(part[:-1]):
        if token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"} and not shares_negation(token):
            part = part[: index + 1]
            break
    condition = condition_reading(v, part)
    if condition is not None:
        return condition
    price = price_reading(v, part)
    if price is not None:
        return price
    benefit = benefit_reading(v)
    if benefit is not None:
        return benefit
    effect = effect_on_war(v)
    if effect is not None:
        return effect
    flips = count_flips(v, part, cue) + int(dropped_stance(v, cue))
    return polarity if flips % 2 == 0 else ("contra" if polarity == "pro" else "pro")


def dropped_stance(v: View, cue: StanceCue | None) -> bool:
    """Tell whether the holder gives up its own stance noun: "Trump dropped his demand for a truce", "lost interest".

    The noun is the object of a reversal word or a stance word against it whose subject is the holder;
    "Moscow rejected Kyiv's demand" leaves Kyiv's demand standing.
    """
    if cue is None or cue.token.pos_ != "NOUN" or cue.token.dep_ != "dobj":
        return False
    verb = cue.token.head
    against = v.candidate.sentence.cue_by_token.get(verb.i)
    dropping = lemma(verb) in v.cues.reversal or lemma(verb) == "lose"  # "has lost interest in mediating"
    if not dropping and (against is None or stance_polarity(against.stance) != "contra"):
        return False
    return any(v.candidate.actor_id in v.actors_of(c) for c in verb.children if c.dep_ == "nsubj")


def count_flips(v: View, part: list[Word], cue: StanceCue | None) -> int:
    """Count what turns the stance word's polarity along part of the chain: negations, "without", a reversed topic."""
    # A phrase that says its negation ("no intention of", "will not") is not negated a second time; one that
    # does not is negated as a word is ("had not given up on").
    doc = v.context.doc
    says_negation = cue is not None and any(doc[i].lower_ in v.cues.negations for i in cue.tokens)
    spoken = set(cue.tokens) if cue is not None and len(cue.tokens) > 1 and says_negation else set()
    negated_words = {
        t.i
        for t in part
        if t.i not in spoken
        and any((c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no")) and c.i not in spoken for c in t.children)
    }
    if cue is not None and not spoken and negated(cue.token, v.cues):
        # One "not" is read once: in "we are not against a truce" it hangs on "are" and stands before "against".
        # So is "nor" after a denied verb: "does not regard him as an equal, nor recognise his mandate".
        counted = {
            c.i
            for i in negated_words
            for c in doc[i].children
            if c.dep_ in {"neg", "det"} or (c.dep_ == "cc" and c.lower_ == "nor")
        }
        before = set(range(max(cue.token.sent.start, cue.token.i - NEGATION_WINDOW), cue.token.i))
        if not counted & before:
            negated_words.add(cue.token.i)
    return len(negated_words) + sum(1 for t in part if t.lower_ == "without") + int(bool(topic_reversed(v)))


def benefit_reading(v: View) -> str | None:
    """Return the polarity of a topic said to favour a side: against it when that is the holder's adversary.

    "Putin said a ceasefire would only let Ukraine rearm" is Putin against the truce and the rearming, "Kyiv says a
    truce would give Ukraine time to rebuild" Kyiv for it. None unless the topic is the subject or the gain of a
    verb of favour (``benefit_verbs``) whose beneficiary, like the holder, is one of the warring parties.
    """
    verb = favouring_verb(v)
    if verb is None:
        return None
    kb = v.context.kb
    side = kb.party_of(v.candidate.actor_id)
    if side is None:
        return None
    words = [c for c in verb.children if c.dep_ in {"dobj", "dative", "iobj"}]
    words += [g for c in verb.children if c.dep_ in {"ccomp", "xcomp"} for g in c.children if g.dep_ == "nsubj"]
    words += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in {"to", "for"} for g in c.children]
    # The tagger reads "let Ukraine rearm" as a noun with a name before it: the name is who gains.
    clauses = [c for c in verb.children if c.dep_ in {"ccomp", "xcomp"}]
    words += [g for w in words + clauses if w.i not in v.context.actor_at for g in w.children if g.dep_ == "compound"]
    beneficiaries = [kb.party_of(v.context.actor_at[w.i]) for w in words if w.i in v.context.actor_at]
    beneficiary = next((b for b in beneficiaries if b is not None), None)
    if beneficiary is None:
        return None
    polarity = "pro" if beneficiary == side else "contra"
    if negated(verb, v.cues):
        return "contra" if polarity == "pro" else "pro"
    return polarity


def effect_on_war(v: View) -> str | None:
    """Return the polarity of a topic said to end or to prolong the war: "more weapons would only prolong the war".

    Whoever says the topic prolongs the war is against it, whoever says it ends the war ("sanctions will help end
    the war") for it; a denied effect turns it ("had not brought the war to an end"). None unless the topic is the
    subject of the verb that, with its object, names the truce (or the war's prolonging).
    """
    root = v.topic_root
    if v.candidate.topic == "ceasefire" or root.dep_ not in {"nsubj", "csubj"}:
        return None
    verbs = [root.head] + [c for c in root.head.children if c.dep_ == "xcomp"]
    prolonging = v.cues.topic_reversal.get("ceasefire", frozenset())
    for hit in v.candidate.sentence.topics:
        if hit.topic != "ceasefire":
            continue
        verb = next((w for w in verbs if hit.start <= w.i < hit.end), None)
        if verb is None or not any(c.dep_ == "dobj" and hit.start <= c.i < hit.end for c in verb.children):
            continue  # "only if arms supplies stop": the supplies stop, not the war
        polarity = "contra" if lemma(verb) in prolonging else "pro"
        if negated(verb, v.cues) or negated(root.head, v.cues):
            polarity = "contra" if polarity == "pro" else "pro"
        return polarity
    return None


def favouring_verb(v: View) -> Word | None:
    """Return the verb of favour the topic is the subject of, or the gain of ("a truce would let Ukraine rearm")."""
    root = v.topic_root
    if root.dep_ in {"nsubj", "csubj"} and lemma(root.head) in v.cues.benefit:
        return root.head
    topics = v.candidate.sentence.topics
    current = root
    for _ in range(4):
        head = current.head
        if head.i == current.i:
            return None
        if lemma(head) in v.cues.benefit and current.dep_ in {"ccomp", "xcomp", "dobj"}:
            subjects = [c.i for c in head.children if c.dep_ in {"nsubj", "csubj"}]
            return head if any(h.start <= i < h.end for i in subjects for h in topics) else None
        current = head
    return None


def condition_reading(v: View, part: list[Word]) -> str | None:
    """Return the polarity of a topic inside the condition of a penalty: whoever sets the penalty wants it unmet.

    "sanctions if Moscow rejects a truce", "should there not be a ceasefire, we will act" and "sanctions unless
    a deal is reached" are all for the truce or the deal. A condition of a favour ("ready to talk if Russia
    keeps a truce") is read along the path as any clause is (None).
    """
    hit = v.candidate.hit
    if v.attach is None:
        return None  # a holder off the chain ("sanctions against Moscow if it rejects") sets no penalty
    for index, clause in enumerate(part[:-1]):
        mark = condition_mark(clause)
        if mark is None:
            continue
        if not penalty(v, part[index + 1 :], clause):
            return None
        inner = part[: index + 1]
        cues = [c for c in (v.cue_at(t) for t in inner) if c is not None and not hit.start <= c.token.i < hit.end]
        cue = cues[-1] if cues else None
        polarity = cue_polarity(v, cue) if cue is not None else "pro"
        met = polarity if count_flips(v, inner, cue) % 2 == 0 else ("contra" if polarity == "pro" else "pro")
        if mark == "unless":
            return met
        return "contra" if met == "pro" else "pro"
    return None


def price_reading(v: View, part: list[Word]) -> str | None:
    """Return the polarity of a topic that is the price the holder asks: "would cede land in exchange for guarantees".

    The holder wants what it would get, whatever it says of what it gives: for the guarantees, and against the
    sanctions in "in return for sanctions relief". None unless the topic is below such a phrase on the path, or
    when the deal is refused ("will not cede territory in exchange for a truce" asks for nothing).
    """
    doc = v.context.doc
    for index, token in enumerate(part[:-1]):
        cue = v.cue_at(token)
        if cue is None or cue.token.i != token.i or len(cue.tokens) < 2:
            continue
        if tuple(lemma(doc[i]) for i in sorted(cue.tokens)) in v.cues.exchange_phrases:
            if negated(token.head, v.cues):
                return None
            return "pro" if count_flips(v, part[:index], None) % 2 == 0 else "contra"
    return None


def penalty(v: View, consequence: list[Word], clause: Word) -> bool:
    """Tell whether the clause a condition hangs on threatens: a threat word, a penalty verb or sanctions imposed."""
    if any((cue := v.cue_at(t)) is not None and cue.stance == "threatens" for t in consequence):
        return True
    head = consequence[0]
    if lemma(head) in PENALTY_VERBS:
        return True
    doc = v.context.doc
    sentence = v.candidate.sentence
    for other in sentence.topics:
        inside_head = head.left_edge.i <= other.start <= head.right_edge.i
        inside_clause = clause.left_edge.i <= other.start <= clause.right_edge.i
        if other.topic == "sanctions" and inside_head and not inside_clause:
            words = doc[other.start : other.end]
            root = doc.span_root(other.start, other.end)
            if not reversed_topic(words, root, None, sentence.cue_tokens, v.cues, "sanctions"):
                return True
    return False


@feature("rule_polarity", ("pro", "contra", "none"))
def rule_polarity(v: View) -> str:
    """Return the polarity a rule reads: the governing cue's, flipped by its negation and by a reversed topic."""
    cue = v.governing
    if cue is None:
        return "none"
    polarity = cue_polarity(v, cue)
    if cue.stance != "threatens" and negated(cue.token, v.cues):  # a threat denied is still read by its outcome
        polarity = "contra" if polarity == "pro" else "pro"
    if topic_reversed(v) or topic_negated(v):
        polarity = "contra" if polarity == "pro" else "pro"
    return polarity


def cue_polarity(v: View, cue: StanceCue) -> str:
    """Return the polarity a stance cue says of the topic below it: a threat to leave is against it."""
    if cue.stance == "threatens":
        doc = v.context.doc
        phrase = tuple(lemma(doc[i]) for i in sorted(cue.tokens))
        return "contra" if phrase in v.cues.leaving_threats else "pro"
    return stance_polarity(cue.stance)


def rule_stance(view: View, polarity: str) -> str:
    """Return the stance to store: the governing cue's (negated when it is), made to agree with the polarity."""
    cue = view.governing
    stance = (
        STANCE_OF_CLASS.get(cue.stance, cue.stance)
        if cue is not None
        else ("supports" if polarity == "pro" else "opposes")
    )
    if cue is not None and negated(cue.token, view.cues):
        stance = NEGATED_STANCE[stance]
    if stance == "threatens":
        return stance
    if stance_polarity(stance) != polarity:
        stance = NEGATED_STANCE[stance] if stance_polarity(NEGATED_STANCE[stance]) == polarity else stance
    if stance_polarity(stance) != polarity:
        stance = "supports" if polarity == "pro" else "opposes"
    return stance
