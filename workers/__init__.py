"""Workers: the pipeline as Celery tasks on Redis, and the in-process runner used without a broker.

Entry points: ``workers.app`` (the Celery application, ``celery -A workers.app worker``) and
:func:`workers.dispatch.dispatcher_for` (send a stage of a call to whichever runner is configured).
"""
