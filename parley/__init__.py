"""Parley: settings, the pipeline's step functions and the ``parley`` command."""
