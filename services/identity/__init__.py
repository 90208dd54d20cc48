"""Identity verification: the requester's document against the CRM (rulebook §3)."""
