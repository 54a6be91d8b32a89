"""The pure engine: method files in, published-grade results out.

No Django, no network, no wall clock; randomness only from a seed passed in. Given the same
method and inputs, every function returns the same result.
"""
