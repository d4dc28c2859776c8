"""The pure-Python reference engine alone."""
