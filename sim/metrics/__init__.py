"""Event log to tidy tables, and statistics across replications.

Pure functions: a day's summary (KPIs, half hours, zone occupancy, queues, flows), Fruin's level
of service, and means with t-based 95% CIs over replications (``Results``). Column and KPI names
are constants in ``sim.metrics.columns``. May import ``sim.model`` and ``sim.core``.
"""
