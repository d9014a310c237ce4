"""GET one document: Dify's detailed shape, cut by `metadata=all|only|without`."""

from application.knowledge.get_document import DocumentDetail
from entrypoints.http.dataset_api.presenters import document_json, upload_json
from entrypoints.http.presenters import epoch


def document_detail_json(detail: DocumentDetail, metadata: str) -> dict:
    doc = detail.document
    if metadata == "only":
        return {"id": str(doc.id), "doc_type": None, "doc_metadata": []}
    rule = detail.process_rule.to_dict() if detail.process_rule else {}
    body = {
        **document_json(doc),
        "data_source_info": {"upload_file": upload_json(detail.upload)} if detail.upload else {},
        "dataset_process_rule": rule, "document_process_rule": rule, "doc_language": doc.doc_language,
        "doc_type": None, "completed_at": epoch(doc.completed_at), "updated_at": epoch(doc.updated_at),
        "indexing_latency": doc.indexing_latency, "segment_count": detail.segment_count,
        "average_segment_length": doc.word_count // detail.segment_count if detail.segment_count else 0,
    }
    body.pop("data_source_detail_dict", None)
    if metadata == "without":
        body.pop("doc_type")
        body.pop("doc_metadata")
    return body
