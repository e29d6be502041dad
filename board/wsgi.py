"""gunicorn entry point: `gunicorn board.wsgi:server`."""

from board.app import create_app

server = create_app().server
