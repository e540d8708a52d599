"""The stop words copied from scikit-learn (so the job does not import it) are still scikit-learn's."""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN_STOP_WORDS

from newsdedup.cluster.stop_words import ENGLISH_STOP_WORDS


def test_copy_equals_scikit_learns_list() -> None:
    assert ENGLISH_STOP_WORDS == SKLEARN_STOP_WORDS
