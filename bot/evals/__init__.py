"""Measurements of the explainable screens on their labelled sets, run from the command line.

`python -m bot safety eval` and `python -m bot drafts eval`; the sets live in `tests/data/`.
"""
