"""Extractors: pure functions from text to spans."""
