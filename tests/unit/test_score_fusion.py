"""Hybrid search: fusing semantic and keyword hits."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.knowledge.scoring import (
    Scored,
    keep_best,
    normalize_by_max,
    reciprocal_rank_fusion,
    weighted_fusion,
)
from domain.shared.errors import InvalidParam

ids = st.sampled_from([f"seg-{i}" for i in range(12)])
semantic_hits = st.lists(st.builds(Scored, ids, st.floats(-1, 1)), max_size=10)
keyword_hits = st.lists(st.builds(Scored, ids, st.floats(0, 50)), max_size=10)
weights = st.floats(0, 1).map(lambda w: (w, 1 - w))
rankings = st.lists(st.lists(ids, max_size=10), max_size=4)


def is_best_first(hits: list[Scored]) -> bool:
    return all(a.score >= b.score for a, b in itertools.pairwise(hits))


@given(semantic_hits, keyword_hits, weights)
def test_weighted_fusion_scores_every_hit_once_in_0_1_best_first(semantic, keyword, weight):
    fused = weighted_fusion(semantic, keyword, vector_weight=weight[0], keyword_weight=weight[1])
    assert sorted(h.id for h in fused) == sorted({h.id for h in [*semantic, *keyword]})
    assert all(0 <= h.score <= 1 for h in fused)
    assert is_best_first(fused)


@given(semantic_hits, keyword_hits)
def test_all_weight_on_semantic_keeps_the_semantic_order(semantic, keyword):
    fused = weighted_fusion(semantic, keyword, vector_weight=1.0, keyword_weight=0.0)
    best = {}
    for h in semantic:
        best[h.id] = max(best.get(h.id, -2), h.score)
    expected = sorted(best, key=lambda i: -max(0.0, best[i]))
    assert [h.id for h in fused][: len(expected)] == expected
    assert all(h.score == 0 for h in fused[len(expected) :])


@given(semantic_hits, keyword_hits, weights, st.floats(0, 1))
def test_raising_a_hits_semantic_score_never_lowers_its_fused_score(semantic, keyword, weight, boost):
    if not semantic:
        return
    target = semantic[0].id
    boosted = [Scored(h.id, min(1.0, h.score + boost)) if h.id == target else h for h in semantic]
    before = {h.id: h.score for h in weighted_fusion(semantic, keyword, vector_weight=weight[0], keyword_weight=weight[1])}
    after = {h.id: h.score for h in weighted_fusion(boosted, keyword, vector_weight=weight[0], keyword_weight=weight[1])}
    assert after[target] >= before[target] - 1e-12


def test_keyword_scores_are_scaled_to_the_best_one_before_weighting():
    semantic = [Scored("a", 0.9), Scored("b", 0.5)]
    keyword = [Scored("b", 8.0), Scored("c", 2.0)]
    fused = weighted_fusion(semantic, keyword, vector_weight=0.7, keyword_weight=0.3)
    assert [(h.id, round(h.score, 6)) for h in fused] == [("b", 0.65), ("a", 0.63), ("c", 0.075)]


@pytest.mark.parametrize(("vector", "keyword"), [(0.7, 0.4), (1.2, -0.2), (0.0, 0.0)])
def test_weights_must_be_non_negative_and_sum_to_one(vector, keyword):
    with pytest.raises(InvalidParam):
        weighted_fusion([], [], vector_weight=vector, keyword_weight=keyword)


@given(keyword_hits)
def test_normalizing_by_max_puts_the_best_at_one(hits):
    normalized = normalize_by_max(hits)
    assert all(0 <= h.score <= 1 for h in normalized)
    if any(h.score > 0 for h in hits):
        assert max(h.score for h in normalized) == 1


@given(rankings)
def test_rrf_scores_every_ranked_id_once_best_first_and_bounded(lists):
    fused = reciprocal_rank_fusion(lists)
    assert sorted(h.id for h in fused) == sorted({i for ranking in lists for i in ranking})
    assert is_best_first(fused)
    assert all(0 < h.score <= len(lists) / 61 for h in fused)


@given(rankings)
def test_rrf_does_not_depend_on_the_order_of_the_rankings(lists):
    forward = {h.id: h.score for h in reciprocal_rank_fusion(lists)}
    backward = {h.id: h.score for h in reciprocal_rank_fusion(list(reversed(lists)))}
    assert forward.keys() == backward.keys()
    assert all(forward[k] == pytest.approx(backward[k]) for k in forward)


@given(rankings, ids)
def test_an_id_first_in_every_ranking_comes_first(lists, winner):
    lists = [[winner, *(i for i in ranking if i != winner)] for ranking in lists]
    fused = reciprocal_rank_fusion(lists)
    if lists:
        assert fused[0].id == winner


def test_rrf_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert [h.id for h in fused] == ["b", "a", "c"]


@given(semantic_hits, st.integers(0, 12), st.floats(0, 1))
def test_keep_best_respects_top_k_and_threshold(hits, top_k, threshold):
    ranked = weighted_fusion(hits, [], vector_weight=1, keyword_weight=0)
    kept = keep_best(ranked, top_k=top_k, score_threshold=threshold)
    assert len(kept) <= top_k
    assert all(h.score >= threshold for h in kept)
    assert kept == [h for h in ranked if h.score >= threshold][:top_k]
