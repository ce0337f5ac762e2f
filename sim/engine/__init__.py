"""The discrete-event engine: parties drawn up front, resources, the SimPy day. The only SimPy importer."""
