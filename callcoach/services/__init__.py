"""Services: the use cases every door shares, over the stages and storage.

- ``pipeline``: input file -> transcript -> analysis (the stages in order), and storing a call.
- ``jobs``: submissions and the job stages (claim, work, complete) that workers and the in-process
  pool run; the reconciler's halves.
- ``access``: API keys, roles, ownership and what each key may read.
- ``coaching`` / ``coaching_stage``: coaching over stored calls (alerts, plans, role-plays,
  outcomes) and the job pipeline's coach stage.
- ``webhooks``: alert delivery over HTTP.
- ``dispatch``: the port the doors send a call's next stage through (Celery implements it in
  ``workers``; an in-process pool here is the embedded default).

Services import the core, the stages and storage; never a door (CLI, API, workers).
"""
