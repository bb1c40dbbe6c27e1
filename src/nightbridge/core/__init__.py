"""The pure domain: values, metrics, scoring and rules.

Nothing in this package does I/O or imports a database, web or CLI library; it uses the
standard library (and numpy for the statistics). Every clinical number is defined in
docs/definitions.md and cites its source in its docstring.
"""
