"""HTTP routes, one module per audience: sign-in, lookups, dashboards, audit log, admin."""
