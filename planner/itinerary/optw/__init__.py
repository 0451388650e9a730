"""The Orienteering Problem with Time Windows: model, exact DP, beams, improvement, benchmark format."""
