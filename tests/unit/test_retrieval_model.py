"""Dify's retrieval_model: defaults, validation, and collection names every vector store accepts."""

from uuid import UUID

import pytest

from domain.knowledge.collections import check_collection_name, collection_for_dataset
from domain.knowledge.retrieval_model import SearchMethod, parse_retrieval_model
from domain.shared.errors import InvalidParam


def test_absent_means_difys_default():
    model = parse_retrieval_model(None)
    assert (model.search_method, model.top_k, model.threshold) == (SearchMethod.SEMANTIC, 2, None)
    assert model.to_dict()["reranking_model"] == {"reranking_provider_name": "", "reranking_model_name": ""}


def test_hybrid_weights_and_threshold_round_trip():
    raw = {"search_method": "hybrid_search", "top_k": 5, "score_threshold_enabled": True, "score_threshold": 0.4,
           "weights": {"weight_type": "customized", "vector_setting": {"vector_weight": 0.6},
                       "keyword_setting": {"keyword_weight": 0.4}}}
    model = parse_retrieval_model(raw)
    assert (model.vector_weight, model.keyword_weight, model.threshold) == (0.6, 0.4, 0.4)
    assert parse_retrieval_model(model.to_dict()) == model


@pytest.mark.parametrize("raw", [
    {"search_method": "magic"}, {"top_k": 0}, {"top_k": "3"}, {"score_threshold": "high"},
    {"weights": {"vector_setting": {"vector_weight": 0.5}, "keyword_setting": {"keyword_weight": 0.6}}},
])
def test_invalid_models_are_refused(raw):
    with pytest.raises(InvalidParam):
        parse_retrieval_model(raw)


def test_a_datasets_collection_name_fits_every_store():
    name = collection_for_dataset(UUID("01a21333-1e74-7096-aa31-d4d79ba62b4b"))
    assert check_collection_name(name) == "Vector_index_01a213331e747096aa31d4d79ba62b4b_Node"
