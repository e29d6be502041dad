"""Cost of access control: password hashing, one sign-in, and the gate's per-request overhead for a signed-in
user and a wall token (an empty Dash layout request, with and without sign-in).

    python benchmarks/auth.py [--requests 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from board.config import Settings
from board.demo.load import build_demo
from board.usecases import auth
from board.usecases.service import BoardService
from board.web.app import create_app


def per_request(client, n: int, path: str = "/_dash-layout") -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--requests", type=int, default=300)
    args = p.parse_args()
    folder = tempfile.mkdtemp(prefix="board-auth-bench-")
    settings = Settings(data_dir=folder, as_of="2026-11-20", secret_key="b" * 48)
    svc = BoardService(settings)
    build_demo(svc, n_cases=500, seed=1, as_of=settings.resolved_as_of())
    t0 = time.perf_counter()
    auth.add_user(svc.engine, "bench", "manager", "YL-QX", "bench-password-1")
    print(f"add user (one scrypt hash): {(time.perf_counter() - t0) * 1000:.0f} ms")
    t0 = time.perf_counter()
    auth.authenticate(svc.engine, "bench", "bench-password-1", "127.0.0.1")
    print(f"sign-in check (scrypt verify + throttle queries + audit row): {(time.perf_counter() - t0) * 1000:.0f} ms")

    open_app = create_app(Settings(data_dir=folder, as_of="2026-11-20", auth=False)).server.test_client()
    print(f"/_dash-layout without sign-in: median {per_request(open_app, args.requests):.2f} ms")
    user = create_app(settings).server.test_client()
    user.get("/login")
    with user.session_transaction() as s:
        csrf = s["csrf"]
    user.post("/login", data={"username": "bench", "password": "bench-password-1", "csrf": csrf})
    print(f"/_dash-layout as a signed-in user: median {per_request(user, args.requests):.2f} ms")
    _id, token = auth.add_token(svc.engine, "bench", "YL-QX")
    wall = create_app(settings).server.test_client()
    wall.get(f"/wall?token={token}")
    print(f"/_dash-layout with a wall token: median {per_request(wall, args.requests):.2f} ms")


if __name__ == "__main__":
    main()
