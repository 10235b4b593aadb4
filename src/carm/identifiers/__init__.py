"""Identifiers used with the CBSA, each in its own module with the python-stdnum contract.

Every module has ``compact(number)`` (normalise, no checks), ``validate(number)`` (the compact form,
or a :class:`~carm.errors.ValidationError`), ``is_valid(number)`` (a bool, never raises for a bad
number) and ``format(number)`` (the usual printed form).

- :mod:`carm.identifiers.bn`: business numbers, BN9 and BN15 program accounts.
- :mod:`carm.identifiers.transaction_number`: the 14-digit CAD transaction number.
"""

from carm.identifiers import bn, transaction_number

__all__ = ["bn", "transaction_number"]
