"""The domain: sites, places, events, the shuttle, geometry, clock and units, validation, errors.

Plain data and rules with no I/O beyond reading a path; every other layer builds on it.
"""
