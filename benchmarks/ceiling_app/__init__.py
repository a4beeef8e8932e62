"""BENCHMARK ONLY: a bare Django endpoint that inserts one row, the ceiling for the load test.

Enabled only by DJANGO_SETTINGS_MODULE=benchmarks.ceiling_app.settings (which
benchmarks/load.py sets for the servers it starts); config/urls.py never
includes it, so it does not ship in the normal URLconf.
"""
