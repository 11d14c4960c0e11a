"""Tests of the scripts that talk to a running server."""
