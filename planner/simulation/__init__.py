"""Shuttle planning: scenarios, vehicle blocks, demand, a simulated day, sweeps, GTFS out.

The core of the planner's shuttle work: plain Python (no Flask, SQLAlchemy or RQ). Times of day are
integer seconds after local midnight (Asia/Shanghai), durations ``*_s``, distances ``*_m``.
"""
