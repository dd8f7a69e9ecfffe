"""Use cases of the safeguards: one module per register, keyword-only functions, one
transaction per use case. Views, the API and the commands only call these."""
