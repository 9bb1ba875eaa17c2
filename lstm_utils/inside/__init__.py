"""Notebook 04: the LSTM and SimpleRNN cells written out, gradient flow, and the adding problem."""
