"""The shared rule catalogue: pure functions of the validated tables, the policy and the as-of date.

No file, clock or database inside: everything a rule needs is an argument.
"""
