"""`manage.py bench` (make bench): load measurements of the site served as in production.

results.py holds the pure parts (wrk's output, the budgets, the table), unit-tested
without a server; settings.py is the settings the measured server runs with; the
command in loadbench/management/commands/bench.py does the rest.
"""
