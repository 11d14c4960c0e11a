"""Idempotency-Key for the POSTs of both doors: a retried request replays the first answer."""
