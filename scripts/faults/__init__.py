"""Fault-injection tools: Redis down or hung, PostgreSQL restarted, the shared throttle store."""
