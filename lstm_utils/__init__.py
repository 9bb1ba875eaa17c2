"""Helpers for the lstm-tutorial notebooks."""

__version__ = "0.1.0"
