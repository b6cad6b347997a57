"""Widgets shared by the notebooks and the Voila apps (ipywidgets, anywidget)."""
