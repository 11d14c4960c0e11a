"""Fault-injection tools (T37 Redis down or hung, T38 PostgreSQL restart, T30 shared store)."""
