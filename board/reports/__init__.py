"""Things made for people away from the screen: snapshots (PNG/PDF/HTML/XLSX), the scheduler, warning push.

Rule of this folder: an entry point on top; it may use the web app, use cases and layouts, nothing imports it
except the CLI.
"""
