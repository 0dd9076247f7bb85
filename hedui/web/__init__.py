"""Web application and CLI functions for verification staff and auditors.

Read-only over the published warehouse; personal-data access is audited in a hash-chained log
kept beside (not inside) the warehouse. Entry points: :func:`hedui.web.app.create_app` and
:mod:`hedui.web.cli_functions`.
"""
