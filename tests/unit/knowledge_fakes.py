"""Hand-written doubles of the knowledge ports: in-memory state that is kept only on commit."""

import copy
import hashlib
import math
import re
from dataclasses import dataclass, field
from uuid import UUID

from domain.knowledge.errors import DatasetNameDuplicate, ExtractionFailed, UnsupportedFileType
from domain.knowledge.repositories import Page
from domain.knowledge.services import EmbeddingModelInfo, KeywordHit
from domain.shared.errors import InvalidParam

_WORD = re.compile(r"\w+")


@dataclass
class KnowledgeState:
    datasets: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    segments: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    uploads: dict = field(default_factory=dict)
    owners: dict = field(default_factory=dict)


def _page(items: list, page: int, limit: int) -> Page:
    return Page(items[(page - 1) * limit : page * limit], len(items))


class FakeDatasets:
    def __init__(self, state: KnowledgeState) -> None:
        self.s = state

    async def add(self, dataset):
        if await self.name_taken(dataset.tenant_id, dataset.name):
            raise DatasetNameDuplicate()
        self.s.datasets[dataset.id] = copy.deepcopy(dataset)

    async def get(self, tenant_id, dataset_id):
        found = self.s.datasets.get(dataset_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    get_for_update = get

    async def name_taken(self, tenant_id, name, except_id=None):
        return any(d.tenant_id == tenant_id and d.name == name and d.id != except_id for d in self.s.datasets.values())

    async def update(self, dataset):
        self.s.datasets[dataset.id] = copy.deepcopy(dataset)

    async def delete(self, dataset_id):
        self.s.datasets.pop(dataset_id, None)
        for doc in [d for d in self.s.documents.values() if d.dataset_id == dataset_id]:
            await FakeDocuments(self.s).delete(doc.id)

    async def list(self, tenant_id, *, page, limit, keyword):
        found = [d for d in self.s.datasets.values() if d.tenant_id == tenant_id and (keyword or "") in d.name]
        return _page(sorted(found, key=lambda d: d.created_at, reverse=True), page, limit)

    async def counts(self, dataset_ids):
        result = {}
        for dataset_id in dataset_ids:
            docs = [d for d in self.s.documents.values() if d.dataset_id == dataset_id]
            if docs:
                result[dataset_id] = (len(docs), sum(d.is_available for d in docs), sum(d.word_count for d in docs))
        return result

    async def owner_of(self, tenant_id):
        return self.s.owners.get(tenant_id)


class FakeDocuments:
    def __init__(self, state: KnowledgeState) -> None:
        self.s = state

    async def add(self, document):
        self.s.documents[document.id] = copy.deepcopy(document)

    async def get(self, dataset_id, document_id):
        found = self.s.documents.get(document_id)
        return copy.deepcopy(found) if found and found.dataset_id == dataset_id else None

    async def get_by_id(self, document_id):
        return copy.deepcopy(self.s.documents.get(document_id))

    update = add

    async def delete(self, document_id):
        self.s.documents.pop(document_id, None)
        self.s.segments = {k: v for k, v in self.s.segments.items() if v.document_id != document_id}

    async def next_position(self, dataset_id):
        return 1 + max((d.position for d in self.s.documents.values() if d.dataset_id == dataset_id), default=0)

    async def list(self, dataset_id, *, page, limit, keyword, display_status):
        found = [d for d in self.s.documents.values() if d.dataset_id == dataset_id
                 and (keyword or "") in d.name and display_status in (None, d.display_status)]
        return _page(copy.deepcopy(found), page, limit)

    async def in_batch(self, dataset_id, batch):
        return [copy.deepcopy(d) for d in self.s.documents.values() if d.dataset_id == dataset_id and d.batch == batch]

    async def many(self, dataset_id, document_ids):
        return [copy.deepcopy(self.s.documents[i]) for i in document_ids
                if i in self.s.documents and self.s.documents[i].dataset_id == dataset_id]

    async def available_ids(self, dataset_id):
        documents = [d for d in self.s.documents.values() if d.dataset_id == dataset_id]
        return [d.id for d in documents if d.is_available], all(d.is_available for d in documents)

    async def unfinished(self, statuses, updated_before):
        return [copy.deepcopy(d) for d in self.s.documents.values()
                if d.indexing_status in statuses and d.updated_at <= updated_before and not d.is_paused]

    async def lock_dataset_indexing(self, dataset_id):
        pass  # one event loop, no concurrent transactions to keep apart

    async def others_to_index(self, dataset_id, document_id, statuses):
        return any(d.dataset_id == dataset_id and d.id != document_id and not d.is_paused
                   and d.indexing_status in statuses for d in self.s.documents.values())

    async def add_process_rule(self, rule_id, dataset_id, rule, by):
        self.s.rules[rule_id] = rule

    async def process_rule(self, rule_id):
        return self.s.rules.get(rule_id)

    async def add_upload(self, upload):
        self.s.uploads[upload.id] = upload

    async def upload(self, upload_id):
        return self.s.uploads.get(upload_id)


class FakeSegments:
    def __init__(self, state: KnowledgeState) -> None:
        self.s = state

    async def replace_for_document(self, document_id, segments):
        self.s.segments = {k: v for k, v in self.s.segments.items() if v.document_id != document_id}
        await self.add(segments)

    async def add(self, segments):
        for segment in segments:
            self.s.segments[segment.id] = copy.deepcopy(segment)

    async def get(self, document_id, segment_id):
        found = self.s.segments.get(segment_id)
        return copy.deepcopy(found) if found and found.document_id == document_id else None

    async def update(self, segment):
        self.s.segments[segment.id] = copy.deepcopy(segment)

    async def delete(self, segment_id):
        self.s.segments.pop(segment_id, None)

    async def mark_completed(self, segment_ids, at):
        for segment_id in segment_ids:
            self.s.segments[segment_id].mark_completed(at)

    async def progress(self, document_ids):
        result = {}
        for document_id in document_ids:
            mine = [s for s in self.s.segments.values() if s.document_id == document_id]
            if mine:
                result[document_id] = (sum(s.status.value == "completed" for s in mine), len(mine))
        return result

    def of(self, document_id):
        return sorted((s for s in self.s.segments.values() if s.document_id == document_id), key=lambda s: s.position)

    async def list(self, document_id, *, page, limit, keyword, statuses):
        found = [s for s in self.of(document_id) if (keyword or "") in s.content and (not statuses or s.status in statuses)]
        return _page(copy.deepcopy(found), page, limit)

    async def by_ids(self, segment_ids):
        return [copy.deepcopy(self.s.segments[i]) for i in segment_ids if i in self.s.segments]

    async def next_position(self, document_id):
        return 1 + max((s.position for s in self.of(document_id)), default=0)

    async def add_hits(self, segment_ids):
        for segment_id in segment_ids:
            self.s.segments[segment_id].hit_count += 1


class FakeTags:
    """Datasets carry no tags in the unit tests: enough for the dataset use cases that show them."""

    def __init__(self, state: KnowledgeState) -> None:
        self.s = state

    async def of_targets(self, target_ids, kind="knowledge"):
        return {i: [] for i in target_ids}


class FakeKnowledgeUnitOfWork:
    """The fake knowledge tables and their unit-of-work factory: each call opens a block on a copy of the
    committed state; commit() publishes the copy."""

    def __init__(self) -> None:
        self.committed = KnowledgeState()
        self.commits = 0

    def __call__(self) -> "FakeKnowledgeBlock":
        return FakeKnowledgeBlock(self)


class FakeKnowledgeBlock:
    def __init__(self, db: FakeKnowledgeUnitOfWork) -> None:
        self._db = db

    async def __aenter__(self):
        self._work = copy.deepcopy(self._db.committed)
        self.datasets, self.documents = FakeDatasets(self._work), FakeDocuments(self._work)
        self.segments, self.tags = FakeSegments(self._work), FakeTags(self._work)
        return self

    async def __aexit__(self, *exc):
        self._work = None

    async def commit(self):
        self._db.committed = copy.deepcopy(self._work)
        self._db.commits += 1


class FakeFiles:
    def __init__(self) -> None:
        self.saved: dict[str, bytes] = {}

    async def save(self, key, data):
        self.saved[key] = data

    async def load(self, key):
        return self.saved[key]

    async def delete(self, key):
        self.saved.pop(key, None)


class FakeExtractor:
    """Reads txt and md as UTF-8; `broken` files fail."""

    def supports(self, extension):
        return extension in ("txt", "md")

    def extensions(self):
        return ("txt", "md")

    async def extract(self, data, extension):
        if not self.supports(extension):
            raise UnsupportedFileType()
        if data.startswith(b"broken"):
            raise ExtractionFailed("Could not read the file: broken")
        return data.decode()


class RecordingQueue:
    def __init__(self) -> None:
        self.enqueued: list[UUID] = []

    async def index_documents(self, document_ids):
        self.enqueued += list(document_ids)


class BagOfWordsEmbedder:
    """Deterministic vectors: each word hashed into one of 1024 dimensions, L2-normalised."""

    model_name = "bag-of-words"
    dimension = 1024

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text):
        vector = [0.0] * self.dimension
        for word in _WORD.findall(text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    async def embed_documents(self, texts):
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    async def embed_query(self, text):
        return self._vector(text)


class FakeCatalog:
    default = EmbeddingModelInfo("fake", "bag-of-words", 1024, "bag-of-words")

    def __init__(self) -> None:
        self.embedder_ = BagOfWordsEmbedder()

    async def models(self, tenant_id):
        return [self.default]

    async def embedder(self, tenant_id, provider, model):
        if (model or "bag-of-words") != "bag-of-words":
            raise InvalidParam("unknown model", param="embedding_model")
        return self.embedder_


class DictEmbeddingCache:
    def __init__(self) -> None:
        self.vectors: dict = {}

    async def get_many(self, provider, model, hashes):
        return {h: self.vectors[(provider, model, h)] for h in hashes if (provider, model, h) in self.vectors}

    async def put_many(self, provider, model, vectors):
        for h, v in vectors.items():
            self.vectors.setdefault((provider, model, h), list(v))


class WordCountKeywordIndex:
    """Counts the query's words in each enabled segment of the given documents."""

    def __init__(self, uow: FakeKnowledgeUnitOfWork) -> None:
        self._uow = uow

    async def search(self, dataset_id, query, *, top_k, document_ids, children):
        terms = {w.lower() for w in _WORD.findall(query)}
        hits = []
        for segment in self._uow.committed.segments.values():
            if segment.document_id in document_ids and segment.enabled:
                score = sum(w.lower() in terms for w in _WORD.findall(segment.content))
                if score:
                    hits.append(KeywordHit(segment.id, None, float(score)))
        return sorted(hits, key=lambda h: -h.score)[:top_k]
