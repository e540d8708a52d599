"""The scikit-learn estimators: scikit-learn's own checks (the subset that applies to text input), the
contract on text, Pipeline use, and known groups and stories.

Exclusions, and why: scikit-learn's data checks feed random numeric matrices (``make_blobs``); these
estimators take text, so their tags say ``input_tags.string`` and not ``two_d_array``, and
``parametrize_with_checks`` skips the data checks for them as it does for text vectorizers. The checks
that need no data run below by name; what the data checks test (fit returns self, fit leaves parameters
alone, clone/pickle give the same result, row order does not change the grouping) is tested on text here.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks as checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from newsdedup import NearDuplicateFinder, StoryClusterer
from tests.conftest import SAMPLE

FEED = pd.read_json(SAMPLE / "feed.jsonl", lines=True, dtype=False)
ESTIMATORS = [NearDuplicateFinder(), StoryClusterer()]
# fd-07/fd-08 and fd-10/fd-11: near-duplicate pairs and stories of their own (labels.csv)
PAIRS = {frozenset({"fd-07", "fd-08"}), frozenset({"fd-10", "fd-11"})}

DATA_FREE_CHECKS = [
    checks.check_estimator_cloneable,
    checks.check_estimator_tags_renamed,
    checks.check_valid_tag_types,
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_estimators_unfitted,
    checks.check_do_not_raise_errors_in_init_or_set_params,
    checks.check_mixin_order,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
]


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_checks(estimator: object, check: object) -> None:
    check(estimator)  # type: ignore[operator]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_data_free_scikit_learn_checks(estimator: object, check: object) -> None:
    check(type(estimator).__name__, estimator)  # type: ignore[operator]


def _groups(ids: pd.Series, labels: np.ndarray) -> set[frozenset[str]]:
    return {frozenset(ids[labels == k]) for k in np.unique(labels) if (labels == k).sum() > 1}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_known_groups_and_the_contract_on_text(estimator: NearDuplicateFinder | StoryClusterer) -> None:
    params = estimator.get_params()
    fitted = clone(estimator)
    assert fitted.fit(FEED) is fitted
    assert fitted.get_params() == params
    labels = fitted.labels_
    assert labels.dtype == np.int64 and labels[0] == 0
    assert _groups(FEED["id"], labels) == PAIRS
    np.testing.assert_array_equal(clone(estimator).fit_predict(FEED), labels)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fitted)).labels_, labels)
    shuffled = np.random.default_rng(0).permutation(len(FEED))
    again = clone(estimator).fit_predict(FEED.iloc[shuffled])
    assert _groups(FEED["id"].iloc[shuffled].reset_index(drop=True), again) == PAIRS


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_a_list_of_texts_and_a_data_frame_agree(estimator: NearDuplicateFinder | StoryClusterer) -> None:
    ids = FEED["id"]
    from_texts = clone(estimator).fit_predict(FEED["body"].tolist())
    from_series = clone(estimator).fit_predict(FEED["body"])
    np.testing.assert_array_equal(from_texts, from_series)
    assert _groups(ids, from_texts) == PAIRS


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_numeric_input_is_refused(estimator: NearDuplicateFinder | StoryClusterer) -> None:
    with pytest.raises(ValueError, match="texts"):
        clone(estimator).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="str"):
        clone(estimator).fit(np.arange(3.0))


def test_pipeline_on_a_data_frame_with_set_params() -> None:
    keep_long = FunctionTransformer(lambda df: df[df["body"].str.len() > 200])
    pipe = make_pipeline(keep_long, StoryClusterer())
    pipe.set_params(storyclusterer__threshold=0.2)
    labels = pipe.fit_predict(FEED)
    assert pipe[-1].threshold == 0.2 and pipe[-1].n_clusters_ == len(pipe[-1].topics_)
    assert _groups(FEED["id"], labels) == PAIRS


def test_near_duplicate_finder_tables() -> None:
    finder = NearDuplicateFinder().fit(FEED)
    assert finder.n_groups_ == 13  # 15 records, two of them copies
    assert set(finder.duplicates_["article_id"]) == {"fd-08", "fd-11"}
    assert list(finder.assignments_.columns)[:4] == [
        "article_id",
        "dup_group_id",
        "canonical_id",
        "is_canonical",
    ]
    strict = NearDuplicateFinder(threshold=0.95, containment_threshold=0.95).fit(FEED)
    assert strict.n_groups_ > finder.n_groups_  # fd-07/fd-08 (Jaccard 0.67) come apart


def test_story_clusterer_topics() -> None:
    model = StoryClusterer().fit(FEED)
    assert model.n_clusters_ == len(model.topics_) == 13
    assert set(model.topic_ids_) == set(model.topics_["topic_id"])
    assert model.topics_["size"].sum() == len(FEED)


def test_pipeline_on_a_list_of_texts() -> None:
    lower = FunctionTransformer(lambda texts: [t.lower() for t in texts])
    labels = make_pipeline(lower, NearDuplicateFinder()).fit_predict(FEED["body"].tolist())
    assert _groups(FEED["id"], labels) == PAIRS
