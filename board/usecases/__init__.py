"""One module per page: read through data_access, compute through domain, cache per data version and scope.

Rule of this folder: may import data_access and board.domain; never Dash, layouts or callbacks.
"""
