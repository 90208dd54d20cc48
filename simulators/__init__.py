"""The operator's back-office systems as this project simulates them: the CRM, billing and CDR
stores (each a worker answering signed store commands) and the subscriber population they are
seeded with. In production these are the operator's own systems; nothing in the product
(``services/``) but the composition root and the tools knows they are simulated."""
