"""Notebooks 05 and 06: the derivative notation and its SymPy check, the generator and dataset, metrics, the encoder-decoder and `derive`."""
