"""The bag-of-words baseline that every IMDB model is measured against (taught in notebook 02).

Notebook 02 writes `fit_tfidf_baseline` in a cell; notebook 03 imports it from here to measure
the baseline again in its own run. `tests/test_twins.py` keeps the two the same code.
"""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def fit_tfidf_baseline(texts_train, y_train, texts_val, y_val, settings):
    """TF-IDF of words and word pairs and a logistic regression, with C chosen on the validation reviews."""
    vectorizer = TfidfVectorizer(
        ngram_range=tuple(settings["ngram_range"]), min_df=settings["min_df"], max_df=settings["max_df"], sublinear_tf=True
    )
    # The vocabulary and the word weights come from the training reviews only.
    features_train = vectorizer.fit_transform(texts_train)
    features_val = vectorizer.transform(texts_val)
    validation_accuracy = {}
    for C in settings["C"]:
        candidate = LogisticRegression(C=C, max_iter=2000).fit(features_train, y_train)
        validation_accuracy[C] = candidate.score(features_val, y_val)
    best_C = max(validation_accuracy, key=validation_accuracy.get)
    classifier = LogisticRegression(C=best_C, max_iter=2000).fit(features_train, y_train)
    return vectorizer, classifier, validation_accuracy
