"""Pieces of a view computed side by side: results in order, the caller's principal, a snapshot of their own."""

import threading

import pytest
from sqlalchemy import text

from board.domain import access
from data_access.engine import _SNAPSHOT, read_snapshot, session_scope


def test_results_come_back_in_order_from_other_threads(svc):
    main = threading.get_ident()
    out = svc.concurrently(lambda: ("a", threading.get_ident()), lambda: ("b", threading.get_ident()))
    assert [name for name, _ in out] == ["a", "b"]
    assert all(ident != main for _, ident in out)


def test_each_piece_acts_as_the_caller_outside_the_callers_snapshot(svc):
    who = access.for_user("qingxi", "manager", "YL-QX")

    def piece():
        with session_scope(svc.engine) as session:
            session.execute(text("SELECT 1"))
        return access.current(), _SNAPSHOT.get()

    with access.acting_as(who), read_snapshot(svc.engine):
        outer = _SNAPSHOT.get()
        results = svc.concurrently(piece, piece)
    for principal, snapshot in results:
        assert principal == who
        assert snapshot is not None and snapshot[1] is not outer[1]  # a connection of its own, in a snapshot
    assert results[0][1][1] is not results[1][1][1]


def test_a_failing_piece_fails_the_call_after_the_others_ended(svc):
    ended = []

    def slow():
        threading.Event().wait(0.2)
        ended.append("slow")
        return 1

    def bad():
        raise ValueError("bad piece")

    with pytest.raises(ValueError, match="bad piece"):
        svc.concurrently(bad, slow)
    assert ended == ["slow"]


def test_one_piece_runs_in_the_callers_thread(svc):
    assert svc.concurrently(threading.get_ident) == [threading.get_ident()]
