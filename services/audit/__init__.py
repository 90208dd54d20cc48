"""The audit worker: a hash-chained, append-only log of every step of every request, and the
register the regulator may ask for (rulebook §2.8). It stores no personal data beyond the
request reference."""
