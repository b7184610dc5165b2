"""The Dash pages, figures and data access behind app.py."""
