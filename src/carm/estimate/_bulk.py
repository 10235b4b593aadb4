"""Many shipments at once: catalogues, price lists, a day's orders.

``estimate_many`` runs the same engine as :func:`carm.estimate` over an iterable of shipments, on
one core or on several processes (``workers=``), optionally with a progress bar (``progress=True``,
needs ``rich``: ``pip install 'carm[progress]'``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Literal

from carm.errors import (
    CarmError,
    ErrorCollector,
    InvalidComponent,
    ValidationError,
    ValidationErrors,
)
from carm.estimate._engine import estimate_figures
from carm.estimate._model import Settings, Shipment
from carm.estimate._result import Estimate
from carm.estimate._wire import Packed, pack, unpack
from carm.tariff import Schedule

__all__ = ["estimate_many"]

Outcome = Estimate | ValidationErrors


def _one(shipment: Shipment, settings: Settings | None, schedules: dict[date, Schedule]) -> Outcome:
    try:
        return estimate_figures(shipment, settings, schedules)
    except ValidationErrors as errors:
        return errors
    except ValidationError as error:
        return ValidationErrors("the shipment cannot be estimated", [error])


# The batch a forked worker reads from its copy of the parent's memory (no pickling of inputs).
_BATCH: list[Shipment] = []


def _work(start: int, stop: int, settings: Settings | None) -> Packed:
    return _work_sent(_BATCH[start:stop], settings)


def _work_sent(chunk: Sequence[Shipment], settings: Settings | None) -> Packed:
    schedules: dict[date, Schedule] = {}
    return pack(_one(shipment, settings, schedules) for shipment in chunk)


def _in_processes(
    batch: list[Shipment], count: int, chunk_size: int, settings: Settings | None
) -> Iterator[list[Outcome]]:
    """The outcomes of each chunk, in order, from this process and ``count - 1`` others.

    Every chunk is offered to the workers. Whenever the next chunk's outcomes are not back yet,
    this process takes the last chunk no worker has started and estimates it itself, rather than
    wait: it shares the estimating by what it has time for, between rebuilding what the workers
    send back.
    """
    chosen = settings or Settings()
    schedules: dict[date, Schedule] = {}
    starts = range(0, len(batch), chunk_size)
    forked = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if forked else None

    def here(start: int) -> list[Outcome]:
        return [_one(s, settings, schedules) for s in batch[start : start + chunk_size]]

    global _BATCH
    _BATCH = batch
    try:
        with ProcessPoolExecutor(count - 1, mp_context=context) as pool:
            futures = [
                pool.submit(_work, start, start + chunk_size, settings)
                if forked
                else pool.submit(_work_sent, batch[start : start + chunk_size], settings)
                for start in starts
            ]
            done_here: dict[int, list[Outcome]] = {}
            last = len(futures) - 1  # the next chunk to take from the end
            for number, start in enumerate(starts):
                if number in done_here:
                    yield done_here.pop(number)
                    continue
                future = futures[number]
                while not future.done() and last > number:
                    if futures[last].cancel():  # no worker has it yet
                        done_here[last] = here(starts[last])
                    last -= 1
                yield unpack(future.result(), batch[start : start + chunk_size], chosen)
    finally:
        _BATCH = []


class _Settled:
    """Keeps what a bulk run has made, and what it was given, out of the collector's passes.

    A bulk run keeps a few objects a line until it returns, and the cyclic garbage collector
    would walk all of them again and again (a fifth of the run). ``gc.freeze()`` moves everything
    alive into a generation the collector ignores; :meth:`settle` does so again after each chunk,
    and leaving gives everything back. Forked workers gain most: their collections would
    otherwise touch every object they inherit and copy each page of memory they share with this
    process (the use ``gc.freeze`` documents). Cycles other threads make meanwhile are collected
    after the run.
    """

    def __enter__(self) -> _Settled:
        gc.freeze()
        return self

    def settle(self) -> None:
        gc.freeze()

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()


def _progress(total: int, enabled: bool) -> tuple[Callable[[int], None], Callable[[], None]]:
    if not enabled:
        return (lambda advance: None), (lambda: None)
    try:
        from rich.progress import Progress
    except ImportError:
        raise InvalidComponent(
            "a progress bar needs rich", value=True, path="progress",
            expected="pip install 'carm[progress]', or progress=False",
        ) from None  # fmt: skip
    bar = Progress(transient=True)
    task = bar.add_task("estimating", total=total)
    bar.start()
    return (lambda advance: bar.advance(task, advance)), bar.stop


def estimate_many(
    shipments: Iterable[Shipment],
    *,
    settings: Settings | None = None,
    workers: int | None = 1,
    progress: bool = False,
    chunk_size: int = 64,
    errors: Literal["raise", "return"] = "raise",
) -> list[Estimate] | list[Outcome]:
    """Estimate every shipment, in order.

    ``workers``: processes to use, this one included (``None``: one per core). Shipments and their
    exchange-rate sources must be picklable to cross processes (``FixedRates`` and the Bank of
    Canada CSV source are). ``errors="raise"`` (the default) estimates everything, then raises one
    :class:`~carm.errors.ValidationErrors` holding every problem of every shipment, paths prefixed
    with ``shipments[i]``; ``errors="return"`` puts each shipment's errors in its place in the list.
    """
    batch = list(shipments)
    if errors not in ("raise", "return"):
        raise InvalidComponent(value=errors, path="errors", expected="'raise' or 'return'")
    count = (os.cpu_count() or 1) if workers is None else workers
    if not isinstance(count, int) or count < 1:
        raise InvalidComponent(value=workers, path="workers", expected="a positive int or None")
    advance, stop = _progress(len(batch), progress)
    outcomes: list[Outcome] = []
    if count == 1 or len(batch) <= chunk_size:
        starts = range(0, len(batch), chunk_size)
        schedules: dict[date, Schedule] = {}  # the schedule in effect on each day, for the run
        chunks: Iterable[list[Outcome]] = (
            [_one(shipment, settings, schedules) for shipment in batch[start : start + chunk_size]]
            for start in starts
        )
    else:
        chunks = _in_processes(batch, count, chunk_size, settings)
    try:
        with _Settled() as settled:
            for chunk in chunks:
                outcomes.extend(chunk)
                advance(len(chunk))
                settled.settle()
    finally:
        stop()
    if errors == "return":
        return outcomes
    collector = ErrorCollector(
        f"{sum(isinstance(o, CarmError) for o in outcomes)} of {len(outcomes)} shipments cannot be estimated"
    )
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, ValidationErrors):
            collector.extend(outcome, path=f"shipments[{index}]")
    collector.raise_if_any()
    return [o for o in outcomes if isinstance(o, Estimate)]
