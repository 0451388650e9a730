"""Sources: reading the data files and GTFS feeds into the domain, and building our GTFS feed."""
