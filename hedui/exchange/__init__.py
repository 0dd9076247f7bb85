"""京津冀 cross-region verification exchange: signed queries to Beijing and Hebei, their answers.

Modules: ``signing`` (canonical form, Ed25519), ``config`` (partners and channels), ``querylog``
(the query log), ``selection`` (who is queried), ``channels`` (HTTP API or exchange folder),
``send`` / ``receive`` (the two nightly steps), ``verify`` (answers' quarantine in validation),
``night`` (the pipeline steps), ``partner`` (a reference partner service for tests).
"""

HEDUI_REGION = "120000"
PARTNER_PREFIXES = {"11": "110000", "13": "130000"}
