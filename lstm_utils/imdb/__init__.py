"""Notebooks 01 to 03: the IMDB reviews, their vocabulary, the bag-of-words baseline, and the trained sentiment models."""
