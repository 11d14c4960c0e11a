"""Tests of the seeding and import commands."""
