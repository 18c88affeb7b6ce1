"""The outage state machine on hand-written poll sequences (docs/domain.md section 4).

A sequence is one character per cycle, cycle i at 10:00 + i minutes (local):
  O all 5 echoes answered (fast)   X all lost   . cycle not run
  L 3 of 5 answered (40% lost)     l 4 of 5 answered (20% lost)   S 5 slow answers (200 ms)
  s 5 answers at exactly 150 ms
"""

from datetime import datetime, timedelta

import pytest

from monitoring.engine import (
    BlindEnded,
    BlindStarted,
    Cycle,
    DegradedWindow,
    InterruptionEnded,
    InterruptionStarted,
    LinkPoll,
    NetworkState,
    PathPoll,
    RedundancyLost,
    RedundancyRestored,
    Thresholds,
    advance,
)
from tests.support.time import BASE_CYCLE, SP, at

POLLS = {
    "O": PathPoll(5, 5, 5 * 20_000),
    "X": PathPoll(5, 0, 0),
    "L": PathPoll(5, 3, 3 * 20_000),
    "l": PathPoll(5, 4, 4 * 20_000),
    "S": PathPoll(5, 5, 5 * 200_000),
    "s": PathPoll(5, 5, 5 * 150_000),
}


BYSTANDER = 999  # an always-healthy link of another carrier, so one carrier failing is not
# "every carrier failing at once" (which would make the NOC blind)


def run(links: dict[int, str | tuple[str, str]], *, carriers=None, canaries: str = "", state=None):
    """Feed the sequences cycle by cycle; return all events. Links are of carrier 1 unless
    `carriers` says otherwise; without `carriers` a healthy bystander of carrier 2 is added."""
    state = state if state is not None else NetworkState()
    if carriers is None:
        carriers = {BYSTANDER: 2}
        links = {**links, BYSTANDER: "O" * 40}
    length = min(len(seq if isinstance(seq, str) else seq[0]) for seq in links.values())
    events = []
    for i in range(length):
        polls = []
        for link_id, seq in links.items():
            paths = (seq,) if isinstance(seq, str) else seq
            if all(path[i] == "." for path in paths):
                continue
            polls.append(
                LinkPoll(
                    link_id=link_id,
                    carrier_id=carriers.get(link_id, 1),
                    paths=tuple(
                        PathPoll(0, 0) if path[i] == "." else POLLS[path[i]] for path in paths
                    ),
                )
            )
        canary_polls = [POLLS[canaries[i]]] if canaries else []
        cycle_id = int(at(i).timestamp()) // 60
        events += advance(state, Cycle(cycle_id, at(i), polls, canary_polls))
    return events


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_two_failed_cycles_then_success_open_no_interruption():
    events = run({1: "OXXOOOOOOO"})
    assert of(events, InterruptionStarted) == []
    # ... but 10 of 25 echoes lost make the window degraded.
    assert of(events, DegradedWindow) == [DegradedWindow(1, at(0), at(5))]


def test_three_failed_cycles_open_an_interruption_from_the_first_to_the_first_success():
    events = run({1: "OOOOOOXXXXXOOOOOOOOO"})
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(6))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(11))]


def test_a_retried_cycle_never_counts_twice():
    state = NetworkState()
    polls = [LinkPoll(1, 1, (POLLS["X"],)), LinkPoll(BYSTANDER, 2, (POLLS["O"],))]
    events = []
    for cycle_id, minute in [(100, 0), (101, 1), (101, 1), (101, 1), (100, 0)]:
        events += advance(state, Cycle(cycle_id, at(minute), polls))
    assert of(events, InterruptionStarted) == []
    events += advance(state, Cycle(102, at(2), polls))
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(0))]


def test_a_skipped_cycle_neither_breaks_nor_extends_a_streak():
    assert of(run({1: "XX.XOOOOOO"}), InterruptionStarted) == [InterruptionStarted(1, 1, at(0))]
    assert of(run({1: "XX.OOOOOOO"}), InterruptionStarted) == []
    assert of(run({1: "X..XOOOOOO"}), InterruptionStarted) == []


@pytest.mark.parametrize(
    ("sequence", "degraded"),
    [
        ("LOOOO" + "OOOOO", False),  # 2 of 25 lost
        ("LLLOO" + "OOOOO", True),  # 6 of 25 lost: more than 20%
        ("lllll" + "OOOOO", False),  # 5 of 25 lost: exactly 20% is not degraded
        ("XOOOO" + "OOOOO", False),  # 5 of 25
        ("XlOOO" + "OOOOO", True),  # 6 of 25
        ("SSSSS" + "OOOOO", True),  # mean RTT 200 ms over 25 replies
        ("sssss" + "OOOOO", False),  # mean RTT exactly 150 ms
        ("SSSS." + "OOOOO", True),  # 20 replies is enough
        ("SSS.." + "OOOOO", False),  # 15 replies are too few to judge latency
    ],
)
def test_degraded_windows_from_loss_and_latency(sequence, degraded):
    windows = of(run({1: sequence}), DegradedWindow)
    assert windows == ([DegradedWindow(1, at(0), at(5))] if degraded else [])


def test_windows_are_aligned_on_local_five_minutes():
    start = datetime(2026, 10, 15, 10, 3, tzinfo=SP)
    state = NetworkState()
    events = []
    for i, char in enumerate("LLLLLLL"):
        instant = start + timedelta(minutes=i)
        events += advance(
            state, Cycle(int(instant.timestamp()) // 60, instant, [LinkPoll(1, 1, (POLLS[char],))])
        )
    # 10:03-10:04 (4 of 10 lost) and 10:05-10:09 (10 of 25 lost).
    assert of(events, DegradedWindow) == [
        DegradedWindow(1, at(0), at(5)),
        DegradedWindow(1, at(5), at(10)),
    ]


def test_a_degraded_window_is_clipped_against_an_interruption():
    events = run({1: "OOXXX" + "XOOOO" + "OOOOO"})
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(2))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(6))]
    assert of(events, DegradedWindow) == [DegradedWindow(1, at(0), at(2))]


def test_a_window_waits_for_a_streak_that_may_become_an_interruption():
    events = run({1: "OOOXX" + "XOOOO" + "OOOOO"})
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(3))]
    assert of(events, DegradedWindow) == [DegradedWindow(1, at(0), at(3))]


def test_a_window_inside_an_interruption_keeps_only_the_degraded_rest():
    events = run({1: "XXXXX" + "XXXOX" + "XOOOO" + "OOOOO"})
    # Down 10:00-10:08; 10:09 and 10:10 fail but the streak breaks at 10:11. The window of
    # 10:05 (20 of 25 lost) keeps only what follows the interruption; the window of 10:10 lost
    # 5 of 25, which is not degraded.
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(0))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(8))]
    assert of(events, DegradedWindow) == [DegradedWindow(1, at(8), at(10))]


def test_redundant_access_with_one_path_down_only_loses_redundancy():
    events = run({1: ("OXXXXXOOOO", "OOOOOOOOOO")})
    assert of(events, InterruptionStarted) == []
    assert of(events, RedundancyLost) == [RedundancyLost(1, 1, at(1))]
    assert of(events, RedundancyRestored) == [RedundancyRestored(1, at(6))]
    # Judged per path: the other path was fine, so no window is degraded.
    assert of(events, DegradedWindow) == []


def test_redundant_access_is_down_from_the_later_failure_to_the_first_success_of_either():
    events = run({1: ("OXXXXXXXXOOOOOOO", "OOOXXXXXXXXXOOOO")})
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(3))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(9))]
    assert of(events, RedundancyLost) == [RedundancyLost(1, 1, at(1))]
    assert of(events, RedundancyRestored) == [RedundancyRestored(1, at(12))]


def test_redundant_window_is_degraded_only_when_each_path_is_degraded_or_down():
    assert of(run({1: ("LLLLLOOOOO", "OOOOOOOOOO")}), DegradedWindow) == []
    assert of(run({1: ("LLLLLOOOOO", "LLLLLOOOOO")}), DegradedWindow) == [
        DegradedWindow(1, at(0), at(5))
    ]
    assert of(run({1: ("XXXXXOOOOO", "SSSSSOOOOO")}), DegradedWindow) == [
        DegradedWindow(1, at(0), at(5))
    ]


def test_canaries_down_make_the_noc_blind_and_cut_open_outages():
    events = run(
        {1: "XXXXXXXXXXXXXXXX", 2: "OOOOOOOOOOOOOOOO"},
        canaries="OOOOOXXXOOOOOOOO",
    )
    assert of(events, BlindStarted) == [BlindStarted(at(5))]
    assert of(events, BlindEnded) == [BlindEnded(at(5), at(8))]
    # Link 1 was down from 10:00; the outage ends where blindness starts, and after it the link
    # needs three fresh failed cycles (10:08, 10:09, 10:10) to be down again.
    assert of(events, InterruptionStarted) == [
        InterruptionStarted(1, 1, at(0)),
        InterruptionStarted(1, 1, at(8)),
    ]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(5))]
    assert of(events, DegradedWindow) == []


def test_every_carrier_failing_at_once_is_blindness_not_an_outage():
    links = {1: "OXXXXOOOOO", 2: "OXXXXOOOOO", 3: "OOOOOOOOOO", 4: "OXXXXOOOOO", 5: "OOOOOOOOOO"}
    carriers = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20}
    events = run(links, carriers=carriers)
    assert of(events, InterruptionStarted) == []
    assert of(events, BlindStarted) == [BlindStarted(at(1))]
    assert of(events, BlindEnded) == [BlindEnded(at(1), at(5))]
    # The blind minutes are cut out of the windows too: nothing is degraded.
    assert of(events, DegradedWindow) == []


def test_one_carrier_failing_alone_is_that_carriers_outage():
    links = {1: "OXXXXOOOOO", 2: "OXXXXOOOOO", 3: "OOOOOOOOOO", 4: "OOOOOOOOOO"}
    carriers = {1: 10, 2: 10, 3: 20, 4: 20}
    events = run(links, carriers=carriers)
    assert of(events, BlindStarted) == []
    assert of(events, InterruptionStarted) == [
        InterruptionStarted(1, 10, at(1)),
        InterruptionStarted(2, 10, at(1)),
    ]
    assert of(events, InterruptionEnded) == [
        InterruptionEnded(1, at(5)),
        InterruptionEnded(2, at(5)),
    ]


def test_exactly_thirty_percent_of_every_carrier_is_not_blindness():
    links = {i: ("OXXXOOOOOO" if i in (1, 11) else "OOOOOOOOOO") for i in range(1, 21)}
    carriers = {i: 10 if i <= 10 else 20 for i in range(1, 21)}
    links[2] = links[12] = "OXXXOOOOOO"
    links[3] = links[13] = "OXXXOOOOOO"  # 3 of 10 = 30% each: not more than 30%
    events = run(links, carriers=carriers)
    assert of(events, BlindStarted) == []
    assert len(of(events, InterruptionStarted)) == 6


def test_a_degraded_window_is_clipped_against_a_blind_period():
    events = run({1: "LLLLL" + "OOOOO", 2: "OOOOO" + "OOOOO"}, canaries="OOOXX" + "OOOOO")
    assert of(events, BlindEnded) == [BlindEnded(at(3), at(5))]
    # 10:00-10:02 lost 6 of 15 echoes (40%); the blind minutes are cut out.
    assert of(events, DegradedWindow) == [DegradedWindow(1, at(0), at(3))]


def test_a_failing_streak_is_forgotten_when_the_noc_goes_blind():
    events = run({1: "XXXXXXOOOO", 2: "OOOOOOOOOO"}, canaries="OOXOOOOOOO")
    # 10:00 and 10:01 fail, blind at 10:02, then 10:03-10:05 fail: three fresh failures.
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(3))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(6))]


def test_lost_redundancy_ends_when_the_noc_goes_blind():
    events = run({1: ("XXXXXXXXXX", "OOOOOOOOOO"), 2: "OOOOOOOOOO"}, canaries="OOOOXOOOOO")
    assert of(events, RedundancyLost) == [
        RedundancyLost(1, 1, at(0)),
        RedundancyLost(1, 1, at(5)),
    ]
    assert of(events, RedundancyRestored) == [RedundancyRestored(1, at(4))]


def test_thresholds_are_per_contract():
    strict = Thresholds(fail_cycles=2, loss_pct=5)
    state = NetworkState()
    events = []
    for i, char in enumerate("OXXO"):
        polls = [
            LinkPoll(1, 1, (POLLS[char],), strict),
            LinkPoll(BYSTANDER, 2, (POLLS["O"],)),
        ]
        events += advance(state, Cycle(BASE_CYCLE + i, at(i), polls))
    assert of(events, InterruptionStarted) == [InterruptionStarted(1, 1, at(1))]
    assert of(events, InterruptionEnded) == [InterruptionEnded(1, at(3))]
