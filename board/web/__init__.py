"""The web application: app factory, WSGI entry, sign-in gate.

Rule of this folder: wires layouts and callbacks to one BoardService; holds no domain logic.
"""
