"""callcoach: conversation-intelligence coaching for B2B sales calls.

The layers, bottom up (each imports only from its own layer or below; ``lint-imports`` checks it):

- core: ``callcoach.domain`` (types every stage shares), ``callcoach.analysis`` (the typed CONTRACT
  analysis; its JSON written and read in one place), ``callcoach.settings`` (the one settings
  object), ``callcoach.errors`` (the exception tree), ``callcoach.nlp`` (cached model loaders);
- stages, pure: the top-level packages ``ingest``, ``transcribe``, ``signals``, ``coaching``;
- ``callcoach.storage``: every SQL statement;
- ``callcoach.services``: the use cases (pipeline, jobs, access, coaching service, delivery, dispatch);
- doors: ``callcoach.cli``, ``api`` (HTTP) and ``workers`` (Celery).
"""

__version__ = "0.1.0"
