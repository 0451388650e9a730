"""Day-trip itinerary engine: the Orienteering Problem with Time Windows (OPTW).

Public API::

    from planner.itinerary import Candidate, OptwProblem, OptwSolution, solve
    from planner.itinerary import read_optw, check_tour, to_problem   # benchmark format
"""
from planner.itinerary.optw.solver import solve
from planner.itinerary.optw.format import OptwInstance, TourCheck, check_tour, read_optw, to_problem
from planner.itinerary.optw.model import Candidate, OptwProblem, OptwSolution

__all__ = ["Candidate", "OptwInstance", "OptwProblem", "OptwSolution", "TourCheck",
           "check_tour", "read_optw", "solve", "to_problem"]
