"""The access package (rulebook §6): the subject's data from every store's export, with what
the policy says about each category, as JSON, French HTML and (postal requests) PDF, built by
streaming and encrypted at rest. Pure: no broker, no database."""
