"""The office's use cases: every action a person or a schedule takes, once.

Plain functions over a ``Runtime`` and the acting user; each runs its own short
transaction(s) and its own checks.  The shells (``cli``, ``web``) and the Prefect flows
call these and nothing below them.  Nothing here imports Prefect or prints.
"""
