"""Measures computed on tidy indicator series: progress towards targets and inequality across countries."""
