from adapters.queue.topology import DEFAULT_POLICY, RetryPolicy, retry_policy


def test_backoff_doubles_each_retry_up_to_the_cap():
    policy = RetryPolicy(max_retries=6, base_delay=5, cap=30)
    assert [policy.delay(n) for n in range(1, 7)] == [5, 10, 20, 30, 30, 30]


def test_a_task_kind_policy_beats_its_queue_policy_and_labels_beat_both():
    assert retry_policy("weir.workflow.run", "workflow", {}).max_retries == 0
    assert retry_policy("weir.dataset.index_document", "dataset", {}).base_delay == 10
    assert retry_policy("anything", "retention", {}) == DEFAULT_POLICY
    assert retry_policy("anything", "dataset", {"max_retries": "1", "retry_cap": 2}).max_retries == 1
