"""The ``planner`` command line: data, routing, calendar and itinerary commands over the composition."""
