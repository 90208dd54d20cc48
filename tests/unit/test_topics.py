from services.runtime.topics import topic_matches


def test_star_matches_exactly_one_word() -> None:
    assert topic_matches("backoffice.*.discover.result.v1", "backoffice.crm.discover.result.v1")
    assert not topic_matches("backoffice.*.v1", "backoffice.crm.discover.v1")


def test_hash_matches_zero_or_more_words() -> None:
    assert topic_matches("backoffice.crm.#", "backoffice.crm.erase.v1")
    assert topic_matches("#", "intake.request.submitted.v1")
    assert topic_matches("intake.#.v1", "intake.v1")


def test_exact_binding_does_not_match_other_versions() -> None:
    assert not topic_matches("intake.request.submitted.v1", "intake.request.submitted.v2")
