"""Bulk helpers: work made in a forked helper process comes back whole and in order, and a
helper that fails is an error, never a silent gap."""

import os

import pytest

from core.bulk import forked_map


def square_with_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_forked_map_gives_every_result_in_order_from_another_process():
    with forked_map(square_with_pid, [(n,) for n in range(50)]) as results:
        got = list(results)
    assert [square for square, _ in got] == [n * n for n in range(50)]
    assert {pid for _, pid in got} != {os.getpid()}


def fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_a_helper_that_fails_ends_the_iteration_with_an_error():
    with (
        pytest.raises(RuntimeError, match="auxiliar"),
        forked_map(fails_on_three, [(n,) for n in range(6)]) as results,
    ):
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        next(results)


def big_with_pid(n: int) -> tuple[str, int]:
    return "x" * 100_000, os.getpid()


def test_a_caller_that_stops_early_ends_the_helper():
    # 2 000 results of 100 kB: far more than a pipe holds, so the helper is still writing.
    with forked_map(big_with_pid, [(n,) for n in range(2000)]) as results:
        _, helper = next(results)
    # Leaving the block ended the helper and reaped it: it is neither running nor a zombie.
    with pytest.raises(ChildProcessError):
        os.waitpid(helper, os.WNOHANG)
