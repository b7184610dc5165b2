"""Serving past one machine: nginx in front of several replicas (README.md here)."""
