"""Shared test worlds and builders by topic: each test module imports its data from here, never from
another test module (tests/test_layout.py checks it)."""
