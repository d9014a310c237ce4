"""Knowledge routes only the console has (the rest are the Knowledge API's, mounted by console/knowledge.py)."""

from quart import Blueprint

from entrypoints.http.auth import console_login_required

bp = Blueprint("console_datasets", __name__)

# Every vector store weir offers (pgvector, Milvus, memory) serves all three, beside its keyword index.
RETRIEVAL_METHODS = ["semantic_search", "full_text_search", "hybrid_search"]


@bp.get("/datasets/retrieval-setting")
@console_login_required
async def retrieval_setting() -> dict:
    return {"retrieval_method": RETRIEVAL_METHODS}


@bp.get("/datasets/retrieval-setting/<vector_type>")
@console_login_required
async def retrieval_setting_of(vector_type: str) -> dict:
    return {"retrieval_method": RETRIEVAL_METHODS}
