"""The default answerer: grounded by construction, no language model.

It answers with sentences taken from the retrieved passages, each followed by the citation
of its passage, so every claim is a quotation the reader can check. Sentences are chosen by how
well they answer the question (the embedder's similarity between question and sentence, and how
many of the question's rarer words they contain), not merely by how well their passage matched.
When the best evidence is weak, when a name or number the question depends on appears in none
of the passages it would cite, or when the question asks for a kind of fact (a count, an amount,
a name) that none of the sentences it would quote holds, it refuses in the question's language
instead of guessing, and says why when it can.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice, takewhile
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.answer_messages import language_name, message, refusal_text, status_note
from kb.answer_types import MONTH_WORDS, asked_kind, counted_words, holds_kind
from kb.glossary import Glossary, term_translations
from kb.language import detect_language
from kb.lexical import STOPWORDS, UNSTEMMED, tokenize
from kb.list_items import MOST_ITEMS, NO_LIST, ListContext, list_context
from kb.provision_lookup import PINNED_RETRIEVER, heading_pattern, named_provision, statute_kinds_dropped
from kb.provisions import provision_of
from kb.quotable import quotable_sentences
from kb.search import SearchHit
from kb.sentences import PassageSentence, is_field, located_sentences, sentence_id

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

QUESTION_LANGUAGES = ("id", "en", "ms")
DEFAULT_LANGUAGE = "id"
"""Most public users write in Indonesian; a question too short to tell is answered in it."""
LEXICAL_WEIGHT = 0.25
"""How much the share of the question's (idf-weighted) words found in a sentence adds to its
embedding similarity, which on its own favours fluent but off-topic sentences."""
ANSWER_KIND_BONUS = 0.1
"""Added to a sentence holding the kind of fact the question asks for (a date, a count, an amount
of money, a provision; kb.answer_types). It counts in the answer's confidence too: a sentence
holding the asked-for fact is stronger evidence. Measured at the configured threshold with the
narrow kinds: 0.05 answered 26 of our 50 correctly and 0.68 of the pooled public sets; 0.1
answered 28 and 0.70, with the same unanswerable questions refused on both; 0.15 answered
29 of ours but answered half of our unanswerable questions. Taking the bonus out of the
confidence (ranking with it only) answered 21 of ours and 0.66 of the public sets."""
COUNTED_BONUS = 0.05
"""Added, on top of ANSWER_KIND_BONUS, to a sentence whose count stands next to a word of a "how
many" question: "the 214 survey respondents" counts what "How many people responded to the
online survey ...?" asks, where "The three groups engaged were ..." counts something else. On
the public sets' 87 count questions answered from all passages, 73 right instead of 71
(benchmarks/answer_kinds.py); on our set one more right (q027), none lost. 0.1 answered as many of
ours and 72 of the 87. Extended to "berapa banyak" (quantity) questions it lost one."""
REFUSING_KINDS = frozenset({"person", "money", "count", "quantity", "percent", "age"})
"""Kinds of fact whose absence from every quoted sentence refuses the answer: "How many
participants ...?" answered with a sentence holding only dates is wrong whatever its topic, and
so is "Siapa nama Kepala BP2MI?" answered with an article naming the office. On our set this
refuses three of the 8 unanswerable questions (the Makassar workshop's participants, the BP2MI
head's name, and, since an amount counts only in a sentence speaking of money, Hong Kong's minimum
salary; 8 of 8 refused in all) and turns one wrong answer into a refusal. On the 534
public-set questions of these kinds, answered from all their passages, it lost 6 of 426 right
answers (benchmarks/answer_kinds.py). Asked-for kinds must be asked for: "biaya" or "usia" in a
question that asks why or what is no money or age question (the first version, keyed on such
words, refused 52 of the 475 answers holding an expected answer). The broad kinds (any number,
any date) were measured too and dropped: they refused more right answers (public correct 0.71
to 0.66) than wrong ones."""
KIND_FALLBACK_SHARE = 0.8
"""When no chosen sentence holds the fact a question asks for (a count, an amount of money, ...),
the best sentence that does is quoted instead of refusing, if it scores at least this share of
the best: the three words of "Budget: 37.741 USD" read little like "What budget did IOM's
meta-evaluation ... have?" (1.008 against 1.201). Its passage must hold the question's names. Our
set: 39 of 50 answered correctly instead of 38, 8 of 8 unanswerable still refused; public sets
unchanged (half held out 0.70 / 0.44); refusal by kind turned away 10 right answers instead of 11
(benchmarks/answer_kinds.py). At 0.85 our set was unchanged."""
UNRANKED_KINDS = frozenset({"person"})
"""Kinds whose test is too loose to rank sentences by, only to refuse when none is quoted: a
rare capitalised word passes for a name, and with the bonus "Siapa nama Kepala BP2MI saat ini?"
quoted an OCR misspelling ("Pekeda") and a list of cities instead of refusing."""
NAMED_PROVISION_BONUS = 0.1
"""Added to a sentence of the provision the question names ("Apa yang diatur Pasal 4 UU
21/2007?"), found by kb.provision_lookup: it is the passage asked for, but its sentences read
little like a question about it (UU 21/2007's Pasal 4 scored 1.015, below the threshold)."""
COMMON_WORD_SHARE = 0.01
"""A word in this share of the chunks is everyday in the collection and names no one (is_common_word)."""
COMMON_WORD_CHUNKS = 3
"""... and in at least this many chunks, so that in a small collection a name met twice stays a name."""
RANK_PRIOR = 0.1
"""A preference for sentences from higher-ranked passages (0.1 for the first, 0.05 for the second,
...): retrieval has weighed the whole passage, the sentence score only the sentence. Raised from
0.02, it put the sentence holding the fact first for 22 of our 50 questions instead of 19, and
answered 115 of 158 public-set questions correctly instead of 113 (benchmarks/refusal_public.py)."""
STATUS_PENALTY = 0.05
"""A sentence from a repealed or superseded document must clearly beat one from a document in force."""
CONTEXT_WORD_WEIGHT = 0.5
"""How much a topic word carried over from the conversation counts against one of the user's own."""
UNNAMED_QUESTION_PENALTY = 0.08
"""Taken off the confidence of a question that names nothing (no name, acronym or number of three
digits or more: question_anchors). A question naming something is answered only from passages holding
every name (missing_anchor), which refuses many questions the documents do not answer; one naming
nothing has only its best sentence's score to go by. On the public sets with half the passages
held out, 54 of 162 unanswerable questions name nothing, and at a threshold of 1.03 two thirds of
them were answered, against a third of those naming something. With this penalty and the
threshold at 0.98, the public sets come out as they did with one threshold of 1.03 (0.68 of
answerable questions answered correctly, 0.43 of unanswerable ones answered) and our set answers
0.74 correctly instead of 0.64, 8 of 8 unanswerable refused (benchmarks/refusal_public.py)."""
FOLLOW_UP_SHARE = 0.9
"""Further sentences join the answer when they score at least this share of the best one."""
_ANCHOR = re.compile(r"\b(?:[A-Z][\w-]*[A-Z0-9][\w-]*|\d{3,}[\w/.-]*|(?<![.!?]\s)(?<!^)[A-Z][a-z]{2,})\b")
"""Acronyms (BPJS, PP 59/2021), numbers of three digits or more (years, statute numbers) and
capitalised names not opening a sentence. Short numbers are left out: "24 jam" is written
"twenty-four hours" in an English document."""
_WORD = re.compile(r"[^\W_]+")
_ANCHOR_PREFIX = 5
_NUMBER = re.compile(r"\d[\d.,]*\d")
"""A number as a passage writes it, separators and all ("10.000", "Rp15.000.000.000,00")."""
_GROUPED_DIGITS = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")
"""A thousands separator: "10.000" and "10,000" are the 10000 of a question (public sets: 300 of
400 right instead of 299)."""
_NOT_A_NAME = re.compile(r"(?i:" + "|".join(MONTH_WORDS) + r")|[IVX]{1,5}")
"""Words _ANCHOR takes for names that are none: months (a date's parts) and Roman numerals."""
_PRONOUN_OPENING = re.compile(
    r"(?:it|he|she|they|its|his|her|their|this|these|ia|dia|beliau|mereka|ini|itu)\b", re.IGNORECASE
)
"""A sentence opening with a pronoun ("It was published in serial form between 1825 and 1832.",
"Dia adalah tokoh antagonis utama") speaks of what the sentence before it names: the question's
words found there count for it too (coverage). On the public sets, 298 of 400 answered right
instead of 296 (benchmarks/answer_misses.py); with half the passages held out, 0.69 of answerable
questions answered correctly instead of 0.68 and 0.44 of unanswerable ones answered instead of
0.43; our set unchanged."""


@dataclass
class Citation:
    """A source of the answer, in the `kb ask --json` shape (DESIGN.md) plus what the app shows."""

    n: int
    doc_id: str
    source: str
    path: str
    title: str
    page: int | None
    text: str
    chunk_id: str
    section: str | None = None
    lang: str | None = None
    highlights: list[str] = field(default_factory=list)
    """The sentences of ``text`` the answer quotes."""
    status: str | None = None
    note: str | None = None
    """In the question's language: e.g. that the document has been repealed, and by what."""
    ocr: bool = False
    """The passage was read from a scanned page by OCR."""


@dataclass
class Answer:
    answer: str
    answered: bool
    citations: list[Citation]
    language: str
    confidence: float
    question: str
    """The question actually answered (a follow-up rewritten to stand alone)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScoredSentence:
    text: str
    hit_index: int
    score: float
    provision: str | None = None
    """The article or objective the sentence sits under (kb.provisions), shown in front of it."""
    context: ListContext = NO_LIST
    """The clause introducing the list the sentence is an item of, or the items it introduces."""
    offset: int = 0
    """Where the sentence starts in its passage (kb.sentences.PassageSentence): answers quote a
    passage's sentences in reading order."""

    @property
    def worded(self) -> str:
        """The sentence as it is scored and checked: behind its provision, with its list context."""
        return _worded(self.provision, self.context.scored_text(self.text))

    @property
    def quoted(self) -> str:
        """The sentence as the answer shows it (kb.list_items)."""
        return self.context.quoted_text(self.text)


@dataclass
class AnswerSettings:
    """Knobs of the default answerer (from the `answer_*` settings)."""

    retrieve: int = 8
    read: int = 4
    max_sentences: int = 3
    min_confidence: float = 0.98
    refusing_kinds: frozenset[str] = REFUSING_KINDS
    """Kinds of fact whose absence from the quoted sentences refuses the answer (none, to measure
    what that refusal costs)."""
    stored_vectors: bool = True
    """Look up the sentence vectors stored at ingestion (False embeds every sentence per question:
    the same answer, several times slower; kept for the benchmark and for checking)."""


class ExtractiveAnswerer:
    """Answers from the knowledge base's own sentences, with citations."""

    def __init__(self, knowledge_base: "KnowledgeBase", settings: AnswerSettings | None = None):
        self.knowledge_base = knowledge_base
        self.settings = settings or AnswerSettings()

    def answer(self, question: str, language: str | None = None, context: str = "") -> Answer:
        """The answer to ``question``, framed in ``language`` (else the question's own language).

        ``context`` holds topic words a follow-up leans on (kb.conversation): they are searched
        with the question and count, less, in choosing sentences, but the names and numbers the
        answer must contain are only the user's own.
        """
        question = " ".join(question.split())
        query = f"{question} {context}".strip()
        language = language or question_language(question)
        hits = prefer_in_force(self.knowledge_base.search(query, self.settings.retrieve))
        if not hits:
            return refusal(query, language)
        hits, read = with_another_document(hits, self.settings.read)
        meanings = self.acronym_meanings(hits[:read])
        scored = self.score_sentences(question, hits[:read], context)
        if not scored:
            return refusal(query, language)
        best = scored[0]
        strong = takewhile(lambda sentence: sentence.score >= FOLLOW_UP_SHARE * best.score, scored)
        chosen = list(islice(distinct(strong), self.settings.max_sentences))
        kind = asked_kind(question)
        refusing = kind in self.settings.refusing_kinds
        glossary = self.knowledge_base.glossary
        lacks_kind = refusing and not quotes_kind(
            kind, question, about_names(question, chosen, hits, glossary, meanings), self.is_common_word
        )
        if lacks_kind:
            holding = kind_holding_sentence(kind, question, scored)
            if holding is not None and anchors_found(question, [hits[holding.hit_index]], glossary, meanings):
                best, chosen, lacks_kind = holding, [holding], False
        cited = [hits[index] for index in sorted({sentence.hit_index for sentence in chosen})]
        missing = missing_anchor(question, cited, glossary, meanings)
        confidence = answer_confidence(question, best.score)
        if missing:
            return refusal(query, language, confidence, message(language, "missing_name", name=missing))
        if lacks_kind:
            kind_name = message(language, f"kind_{kind}")
            return refusal(query, language, confidence, message(language, "missing_kind", kind=kind_name))
        if confidence < self.settings.min_confidence:
            return refusal(query, language, confidence=confidence)
        return compose(query, language, hits, chosen, confidence)

    def acronym_meanings(self, hits: list[SearchHit]) -> dict[str, list[str]]:
        """What each hit's acronyms stand for in its document (kb.acronyms), by chunk id: a
        passage writing "FDWs" holds the "domestic workers" of a question. Only the passages read
        are ever checked for names, so only those are looked up."""
        index = self.knowledge_base.lexical_index()
        return {hit.chunk_id: index.acronym_meanings(hit.text, hit.doc_id) for hit in hits}

    def score_sentences(self, question: str, hits: list[SearchHit], context: str = "") -> list[ScoredSentence]:
        """Every usable sentence of the hits, best first."""
        candidates = []
        places: list[PassageSentence] = []
        lines = [hit.text.splitlines() for hit in hits]
        previous: list[str] = []  # each candidate's sentence before it in its passage (_PRONOUN_OPENING)
        for index, hit in enumerate(hits):
            every = located_sentences(hit.text)
            for position, located in quotable_sentences(hit, lines[index], every):
                candidates.append((located.text, index, sentence_id(hit.chunk_id, position)))
                places.append(located)
                previous.append(every[position - 1].text if position else "")
        if not candidates:
            return []
        embeddings = self.knowledge_base.embeddings
        question_vector = embeddings.embed_queries([f"{question} {context}".strip()])[0]
        similarities = self.sentence_vectors(hits, candidates) @ question_vector
        weights = self.word_weights(question)
        kind = asked_kind(question)
        named = named_provision(question)
        named_heading = heading_pattern(*named) if named else None
        if context:
            weights += [(forms, CONTEXT_WORD_WEIGHT * weight) for forms, weight in self.word_weights(context)]
        scored = []
        for (sentence, index, _), located, similarity, before in zip(candidates, places, similarities, previous):
            hit = hits[index]
            place = list_context(lines[index], located)
            candidate = ScoredSentence(sentence, index, 0.0, provision_of(hit, located), place, located.offset)
            worded = candidate.worded
            covered = covered_text(sentence, worded, before, lines[index][located.line])
            score = float(similarity) + LEXICAL_WEIGHT * coverage(weights, covered, hit.lang or UNSTEMMED)
            score += RANK_PRIOR / (index + 1)
            if kind not in UNRANKED_KINDS and holds_kind(kind, worded, question):
                score += ANSWER_KIND_BONUS
                if kind == "count" and counts_asked(weights, worded, hit.lang or UNSTEMMED):
                    score += COUNTED_BONUS
            if named_heading and PINNED_RETRIEVER in hit.retrievers and named_heading.search(worded):
                score += NAMED_PROVISION_BONUS
            if _status(hit) in ("repealed", "superseded"):
                score -= STATUS_PENALTY
            candidate.score = score
            scored.append(candidate)
        show_best_items(scored, places)
        return sorted(scored, key=lambda item: -item.score)

    def sentence_vectors(self, hits: list[SearchHit], candidates: list[tuple[str, int, str]]) -> np.ndarray:
        """The candidates' vectors, in order: those stored at ingestion (one lookup by chunk id),
        and embedded now only for sentences not stored (a knowledge base ingested before sentence
        vectors were kept, or a sentence split differently since). The same vectors either way:
        the embedder gives a text the same vector whatever batch it is in."""
        embeddings = self.knowledge_base.embeddings
        stored: dict[str, tuple[str, np.ndarray]] = {}
        if self.settings.stored_vectors:
            chunk_ids = list(dict.fromkeys(hit.chunk_id for hit in hits))
            stored = self.knowledge_base.store.sentence_vectors(chunk_ids, embeddings.identity)
        rows: list[np.ndarray | None] = []
        for sentence, _, key in candidates:
            text, vector = stored.get(key, (None, None))
            rows.append(vector if text == sentence else None)
        missing = [index for index, row in enumerate(rows) if row is None]
        if missing:
            fresh = embeddings.embed_passages([candidates[index][0] for index in missing])
            for index, vector in zip(missing, fresh):
                rows[index] = vector
        return np.stack(rows).astype(np.float32, copy=False)

    def is_common_word(self, word: str) -> bool:
        """Whether the collection uses the word everywhere ("Indonesia", "Dinas", "Provinsi"), so
        that it names no particular person: it is in at least COMMON_WORD_SHARE of the chunks
        (and COMMON_WORD_CHUNKS of them, for a small collection)."""
        index = self.knowledge_base.lexical_index()
        forms = {word.lower()}
        for language in ("id", "en"):
            forms |= set(tokenize(word, language, drop_stopwords=False))
        frequency = max(index.document_frequency(form) for form in forms)
        return frequency >= max(COMMON_WORD_CHUNKS, COMMON_WORD_SHARE * len(index))

    def word_weights(self, question: str) -> list[tuple[frozenset[str], float]]:
        """Each content word of the question as its set of forms (stems in both languages,
        surface form, glossary translation), weighted by its rarity among the chunks."""
        index = self.knowledge_base.lexical_index()
        groups = question_word_forms(question, self.knowledge_base.glossary)
        return [(forms, max(index.inverse_document_frequency(form) for form in forms)) for forms in groups]


def with_another_document(hits: list[SearchHit], read: int) -> tuple[list[SearchHit], int]:
    """The hits, and how many of them to read: the first ``read``, and when those all come from
    one document, also the best-ranked hit of another document, moved up behind them.

    A long report matches its topic in passage after passage and can fill every place read, while
    its companion (the evaluation's brief, the regulation under a law) states the fact in a line:
    "Ada berapa rekomendasi utama dalam ringkasan evaluasi IOM tentang AAP?" read four passages
    of the full evaluation and not the brief's "five key recommendations". Our set: 41 of 50
    answered correctly instead of 40, no other answer changed, the 8 unanswerable questions still
    refused; it reads a fifth passage for 9 of the 58 questions. The public sets are unchanged:
    each is stored as one document, so there is no other document to read.
    """
    documents = {hit.doc_id for hit in hits[:read]}
    if len(documents) != 1:
        return hits, read
    for position in range(read, len(hits)):
        if hits[position].doc_id not in documents:
            return [*hits[:read], hits[position], *hits[read:position], *hits[position + 1 :]], read + 1
    return hits, read


def distinct(scored: Iterable[ScoredSentence]) -> Iterator[ScoredSentence]:
    """The sentences, best first, without those a better one already shows: a line a passage or a
    collection repeats (a page header, a service's name over each of its paragraphs) was quoted up
    to three times in one answer ("Donna Mobile AKA e. V. [1] Donna Mobile AKA e. V. [1] ..."), and a
    list item both among its introduction's items and on its own ("... persyaratan: e. berusia
    minimal 18 (delapan belas) tahun; ... [1] ... persyaratan: … e. berusia minimal 18 ... [1]").
    Lazy, so that choosing an answer's few sentences reads no further than it needs."""
    shown: list[str] = []
    for sentence in scored:
        start = _normalised(sentence.text)[:_SHOWN_PREFIX]
        if not any(start in quote for quote in shown):
            shown.append(_normalised(sentence.quoted))
            yield sentence


_SHOWN_PREFIX = 60
"""Characters of a sentence's start that, found in an earlier quote, mean the reader has seen it
(a list item is shown cut to kb.list_items.MOST_ITEM_CHARACTERS)."""


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def show_best_items(scored: list[ScoredSentence], places: list[PassageSentence]) -> None:
    """Let each clause introducing a long list show the items that best answer the question.

    Quoted with its first MOST_ITEMS items only, "(1) Setiap ... Pekerja Migran Indonesia memiliki
    hak: a. ... h. ..." hid the item asked about ("j. menguasai dokumen perjalanan"). An item's
    score is that of its best sentence; ``places`` are the sentences' places, in ``scored``'s order."""
    line_scores: dict[tuple[int, int], float] = {}
    for sentence, place in zip(scored, places):
        key = (sentence.hit_index, place.line)
        line_scores[key] = max(line_scores.get(key, -math.inf), sentence.score)
    for sentence in scored:
        if len(sentence.context.items) > MOST_ITEMS:
            lines = sentence.context.item_lines
            sentence.context = sentence.context.showing(
                [line_scores.get((sentence.hit_index, line), -math.inf) for line in lines]
            )


def answer_confidence(question: str, best_score: float) -> float:
    """The answer's confidence: its best sentence's score, less UNNAMED_QUESTION_PENALTY when the
    question names nothing."""
    return best_score if question_anchors(question) else best_score - UNNAMED_QUESTION_PENALTY


def question_anchors(question: str) -> list[str]:
    """The names and numbers the question turns on (_ANCHOR), less month names and Roman numerals:
    a date's "Feb" is "Februari" in the passage, and "Perang Dunia II" is "Perang Dunia Kedua".
    Leaving them out answered 302 of 400 public-set questions right instead of 300
    (benchmarks/answer_misses.py); with half the passages held out, 0.69 of answerable questions
    answered correctly instead of 0.70, and as many unanswerable ones answered (0.44)."""
    found = _ANCHOR.findall(statute_kinds_dropped(question))
    return [anchor for anchor in dict.fromkeys(found) if not _NOT_A_NAME.fullmatch(anchor)]


def question_language(question: str) -> str:
    language = detect_language(question, QUESTION_LANGUAGES)
    return language if language in ("id", "en") else DEFAULT_LANGUAGE


def prefer_in_force(hits: list[SearchHit]) -> list[SearchHit]:
    """Hits from documents in force before those from repealed or superseded ones, order kept otherwise."""
    return sorted(hits, key=lambda hit: _status(hit) in ("repealed", "superseded"))


def _status(hit: SearchHit) -> str | None:
    return hit.status


def question_word_forms(question: str, glossary) -> list[frozenset[str]]:
    """Each content word of the question with the forms a sentence may hold it in: its stems in
    both languages and the glossary's translations, of the word alone ("anggota": member) and of
    the terms it is part of ("hak suara": voting right, for "hak" and for "suaranya"). The terms
    let an Indonesian question find its words in an English treaty: "Dalam kondisi apa negara
    anggota IOM kehilangan hak suaranya?" is answered from the IOM Constitution's "... shall have
    no right to vote if ...", where the Indonesian article on IOM had been quoted (our set: 38 of
    50 answered correctly instead of 37, the public sets unchanged)."""
    from kb.glossary import expand_query

    stopwords = STOPWORDS["id"] | STOPWORDS["en"]
    words = [word for word in _WORD.findall(question.lower()) if word not in stopwords]
    terms = term_translations(question, glossary) if glossary else {}
    groups = []
    for word in words:
        forms = set(tokenize(word, "id", drop_stopwords=False)) | set(tokenize(word, "en", drop_stopwords=False))
        forms.add(word)
        if glossary:
            translation = expand_query(word, glossary)[len(word) :].split()
            translation += [part for term in terms.get(word, []) for part in term.split()]
            for other in translation:
                for other_language in ("en", "id"):
                    forms |= set(tokenize(other, other_language, drop_stopwords=True))
        groups.append(frozenset(form for form in forms if form))
    return [group for group in groups if group]


def kind_holding_sentence(kind: str, question: str, scored: list[ScoredSentence]) -> ScoredSentence | None:
    """The best sentence holding the asked kind of fact, when none of the chosen ones does and it
    scores at least KIND_FALLBACK_SHARE of the best (never for a name: that test is too loose to
    choose by, UNRANKED_KINDS). It is quoted only if its passage holds the question's names; else
    the refusal says what is missing: the kind of fact, not a name the chosen passages had."""
    if kind in UNRANKED_KINDS:
        return None
    floor = KIND_FALLBACK_SHARE * scored[0].score
    for sentence in takewhile(lambda candidate: candidate.score >= floor, scored):
        if holds_kind(kind, sentence.worded, question):
            return sentence
    return None


def about_names(
    question: str,
    chosen: list[ScoredSentence],
    hits: list[SearchHit],
    glossary: Glossary | None,
    meanings: Mapping[str, Sequence[str]] | None = None,
) -> list[ScoredSentence]:
    """The chosen sentences whose own passage holds every name of the question (missing_anchor;
    each passage is checked once, however many of its sentences were chosen).

    Only these may supply the asked kind of fact: "How many participants attended the IOM GCM
    workshop in Makassar?" drew the article on the workshops (IOM, GCM, Makassar, but no count)
    and an evaluation's count of people trained elsewhere. Together the two passages held the
    names and a count, and the count was quoted as the answer. Reading 6 passages instead of 4,
    two of our 8 unanswerable questions were answered that way; with this check none was. At
    the default reading our set is unchanged; on the public sets' questions asking for a kind of
    fact (benchmarks/answer_kinds.py) it refuses 5 more answers, 3 wrong and 2 right (a count
    of "fakultas" at ITS in a passage that never says "Surabaya"): 433 of 544 right instead of 435.
    """
    passages = {sentence.hit_index for sentence in chosen}
    naming = {index for index in passages if anchors_found(question, [hits[index]], glossary, meanings)}
    return [sentence for sentence in chosen if sentence.hit_index in naming]


def quotes_kind(
    kind: str, question: str, chosen: list[ScoredSentence], is_common: Callable[[str], bool] | None = None
) -> bool:
    """Whether a quoted sentence holds a fact of ``kind`` (a name only when ``question`` lacks it)."""
    return any(holds_kind(kind, sentence.worded, question, is_common) for sentence in chosen)


def _worded(provision: str | None, sentence: str) -> str:
    """The sentence behind the provision it sits under, as it is scored and checked: "Pasal 4 ..."."""
    return f"{provision} {sentence}" if provision else sentence


def covered_text(sentence: str, worded: str, before: str, line: str) -> str:
    """The text whose words count for the sentence (coverage): its own (``worded``, behind its
    article), with the sentence ``before`` it when it opens with a pronoun (_PRONOUN_OPENING), or
    with its whole ``line`` when it is a field of an information box: "Field visit dates: November
    2022 - January 2023" speaks of the evaluation the box names. Answering our set with the gold
    passage first, the box's field answered "Kapan kunjungan lapangan ...?" (40 of 49 right
    instead of 39); the rest unchanged."""
    if _PRONOUN_OPENING.match(sentence):
        return f"{before} {worded}"
    if is_field(sentence) and line.strip() != sentence:
        return f"{line} {worded}"
    return worded


def counts_asked(weights: list[tuple[frozenset[str], float]], sentence: str, language: str) -> bool:
    """Whether a count of the sentence stands next to one of the question's words (counted_words)."""
    near = " ".join(counted_words(sentence))
    tokens = set(tokenize(near, language, drop_stopwords=True)) | set(_WORD.findall(near.lower()))
    return any(forms & tokens for forms, _ in weights)


def coverage(weights: list[tuple[frozenset[str], float]], sentence: str, language: str) -> float:
    """The idf-weighted share of the question's words that the sentence contains."""
    total = sum(weight for _, weight in weights)
    if total <= 0:
        return 0.0
    tokens = set(tokenize(sentence, language, drop_stopwords=False)) | set(_WORD.findall(sentence.lower()))
    return sum(weight for forms, weight in weights if forms & tokens) / total


def anchors_found(
    question: str,
    hits: list[SearchHit],
    glossary: Glossary | None = None,
    meanings: Mapping[str, Sequence[str]] | None = None,
) -> bool:
    """Whether every name and number the question turns on is in the cited passages (missing_anchor)."""
    return missing_anchor(question, hits, glossary, meanings) is None


def missing_anchor(
    question: str,
    hits: list[SearchHit],
    glossary: Glossary | None = None,
    meanings: Mapping[str, Sequence[str]] | None = None,
) -> str | None:
    """The first name or number of the question not found in the passages the answer cites, as the
    question writes it, or None when all are found.

    Names and numbers the question turns on ("Taiwan", "2019", "BPJS") must appear in the
    passages the answer cites: their text, their document's title or file name (a shared 5-letter
    prefix suffices: "Singapura" / "Singapore"), spelled out ("RAN" as "Rencana Aksi Nasional"),
    or in the glossary's translation of the term they belong to ("Konvensi Pengungsi" is found
    as "Refugee Convention"). ``meanings`` (chunk id: what the passage's acronyms stand for in
    its document, kb.acronyms) count as the passage's words: the World Bank report's "FDWs are
    required to meet age ... requirements" holds the "PRT (pekerja rumah tangga)" of "Syarat umur
    untuk bisa kerja jadi PRT migran di Singapura berapa?", as "domestic workers".

    Any retrieved passage used to count, and a list of member states naming Taiwan let a GCM
    objective on wages answer "What is the minimum wage ... in Taiwan?". Checking the cited
    passages answered 43% of 162 held-out public-set questions instead of 46%, and 69% of 158
    answerable ones correctly instead of 71% (benchmarks/refusal_public.py); on our set it
    answered as many correctly (22 of 50). With only the words themselves, 11 of our 50
    answerable questions were refused for a missing name, 7 of them crossed-language; with the
    spelled-out acronyms and the translations, 6 (4 crossed); with shortened names found as
    acronyms, 5."""
    anchors = question_anchors(question)
    if not anchors:
        return None
    meanings = meanings or {}
    passages = " ".join(" ".join([hit.text, hit.title, *meanings.get(hit.chunk_id, ())]) for hit in hits)
    evidence = set(_WORD.findall(" ".join([passages, *(hit.source for hit in hits)]).lower()))
    evidence |= {_GROUPED_DIGITS.sub("", number) for number in _NUMBER.findall(passages)}
    prefixes = {word[:_ANCHOR_PREFIX] for word in evidence}
    translations = term_translations(question, glossary) if glossary else {}
    spelled = spelled_acronyms(passages) | shortened_names(question, passages, [hit.source for hit in hits])

    def present(word: str) -> bool:
        return word in evidence or word[:_ANCHOR_PREFIX] in prefixes or word in spelled

    for anchor in anchors:
        for word in _WORD.findall(_GROUPED_DIGITS.sub("", anchor).lower()):
            if present(word) or any(
                all(present(part) for part in _WORD.findall(translation)) for translation in translations.get(word, [])
            ):
                continue
            return anchor
    return None


_NAME_WORD = re.compile(r"[^\W\d_]+")
_NAME_BREAK = re.compile(r"(?<!\b[A-Z])\.|[,;:()\[\]\n\"“”]")
"""Punctuation a name does not run across; an initial's full stop is part of it ("John F. Kennedy"
is the JFK of a question: public sets 299 of 400 right instead of 298)."""
_NAME_JOINERS = frozenset({"for", "of", "the", "on"})
"""Lower-case words a name may hold without them counting in its acronym ("Global Compact for Migration")."""
LONGEST_ACRONYM = 5


def spelled_acronyms(text: str, longest: int = LONGEST_ACRONYM) -> set[str]:
    """Initials of runs of capitalised words, lower-cased: "Rencana Aksi Nasional" gives "ra" and
    "ran", "Perserikatan Bangsa-Bangsa" "pbb", "Global Compact for Migration" "gcm". Runs stop at
    punctuation and at any other lower-case word. Policy texts write a body or a plan out in full
    where questions use its acronym: counting a spelled-out name as the acronym answered 29 of our
    50 answerable questions correctly instead of 27 (before refusal by confidence; 23 instead of
    22 after), with no more wrong answers and the same unanswerable questions refused."""
    found: set[str] = set()
    for run in _capitalised_runs(text):
        for start in range(len(run)):
            initials = "".join(word[0].lower() for word in run[start : start + longest])
            found.update(initials[:size] for size in range(2, len(initials) + 1))
    return found


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_LONGEST_FILE_NAME_ACRONYM = 6


def shortened_names(question: str, passages: str, sources: list[str]) -> set[str]:
    """Words of the question's names of two or more capitalised words whose initials begin an
    acronym of the passages or of their file names: "the Global Compact" is the GCM of
    gcm_23_objectives_and_actions.md, "the Joint Initiative" the JI of a report. A question
    shortens a name the documents abbreviate; spelled_acronyms covers the other way round.
    Measured on our set: one more answered correctly (the Global Compact on recruitment costs),
    with the same unanswerable questions refused; the public sets unchanged."""
    acronyms = {word.lower() for word in _ACRONYM.findall(passages)}
    for source in sources:
        acronyms |= {w for w in _WORD.findall(source.lower()) if w.isalpha() and len(w) <= _LONGEST_FILE_NAME_ACRONYM}
    found: set[str] = set()
    for words in _capitalised_runs(question):
        initials = "".join(word[0].lower() for word in words)
        if len(words) >= 2 and any(acronym.startswith(initials) for acronym in acronyms):
            found |= {word.lower() for word in words}
    return found


def _capitalised_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words, joined by for / of / the / on, within punctuation."""
    runs: list[list[str]] = []
    for segment in _NAME_BREAK.split(text):
        run: list[str] = []
        for word in [*_NAME_WORD.findall(segment), "."]:
            if word[0].isupper():
                run.append(word)
            elif not (run and word in _NAME_JOINERS):
                if run:
                    runs.append(run)
                run = []
    return runs


def refusal(question: str, language: str, confidence: float = 0.0, reason: str | None = None) -> Answer:
    """A refusal in the question's language: why, when the reason is known (the best-matching
    passages do not mention "Taiwan"), what the knowledge base covers and how to ask instead."""
    return Answer(refusal_text(language, reason), False, [], language, confidence, question)


def citation_of(hit: SearchHit, n: int, language: str) -> Citation:
    """The citation [n] of a retrieved passage, its status note in the question's language."""
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        source=hit.source,
        path=hit.path,
        title=hit.title,
        page=hit.page,
        text=hit.text,
        chunk_id=hit.chunk_id,
        section=hit.section,
        lang=hit.lang,
        status=hit.status,
        note=status_note(language, hit.status, hit.repealed_by),
        ocr=hit.ocr,
    )


def compose(
    question: str, language: str, hits: list[SearchHit], chosen: list[ScoredSentence], confidence: float
) -> Answer:
    """Sentences in the order of their passages' rank, and in reading order within a passage (items
    of a list in their order), each followed by its citation [n]."""
    chosen = sorted(chosen, key=lambda item: (item.hit_index, item.offset))
    citations: dict[int, Citation] = {}
    for sentence in chosen:
        hit = hits[sentence.hit_index]
        if sentence.hit_index not in citations:
            citations[sentence.hit_index] = citation_of(hit, len(citations) + 1, language)
        citations[sentence.hit_index].highlights.append(sentence.text)
    parts = [message(language, "intro")]
    quoted_languages = {c.lang for c in citations.values() if c.lang in ("id", "en")}
    if quoted_languages - {language}:
        names = ", ".join(language_name(language, code) for code in sorted(quoted_languages - {language}))
        partly = "partly_quoted_in" if language in quoted_languages else "quoted_in"
        parts.append(message(language, partly, language=names))
    introduced: set[tuple[int, str]] = set()
    for sentence in chosen:
        citation = citations[sentence.hit_index]
        note = f" ({citation.note})" if citation.note else ""
        where = f"{sentence.provision}: " if sentence.provision else ""
        quoted = sentence.quoted
        if sentence.context.introduction:  # a list's introducing clause is shown before its first quoted item only
            introduction = (sentence.hit_index, sentence.context.introduction)
            quoted = sentence.text if introduction in introduced else quoted
            introduced.add(introduction)
        parts.append(f"{where}{quoted} [{citation.n}]{note}")
    ordered = sorted(citations.values(), key=lambda citation: citation.n)
    return Answer(" ".join(parts), True, ordered, language, confidence, question)
