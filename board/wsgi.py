"""gunicorn entry point: `gunicorn board.wsgi:server`."""

from board.web.app import create_app

server = create_app().server
