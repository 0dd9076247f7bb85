"""Fixtures of the attack suite (helpers in sec_deploy.py)."""

from sec_deploy import dep, fresh, pg_url  # noqa: F401
