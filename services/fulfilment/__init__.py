"""Fulfilment: carry out the right in every store that holds the subject's data."""
