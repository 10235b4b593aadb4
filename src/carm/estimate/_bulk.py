"""Many shipments at once: catalogues, price lists, a day's orders.

``estimate_many`` runs the same engine as :func:`carm.estimate` over an iterable of shipments, on
one core or on several processes (``workers=``), optionally with a progress bar (``progress=True``,
needs ``rich``: ``pip install 'carm[progress]'``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Literal

from carm.errors import (
    CarmError,
    ErrorCollector,
    InvalidComponent,
    ValidationError,
    ValidationErrors,
)
from carm.estimate._engine import estimate
from carm.estimate._model import Settings, Shipment
from carm.estimate._result import Estimate

__all__ = ["estimate_many"]

Outcome = Estimate | ValidationErrors


def _one(shipment: Shipment, settings: Settings | None) -> Outcome:
    try:
        return estimate(shipment, settings=settings)
    except ValidationErrors as errors:
        return errors
    except ValidationError as error:
        return ValidationErrors("the shipment cannot be estimated", [error])


def _slim(outcome: Outcome) -> Any:
    # What a worker sends back: everything but the shipment, which the parent already has.
    if isinstance(outcome, Estimate):
        return (outcome.lines, outcome.low_value, outcome.edition, outcome.settings)
    return outcome


def _work(chunk: Sequence[Shipment], settings: Settings | None) -> list[Any]:
    return [_slim(_one(shipment, settings)) for shipment in chunk]


def _chunks(shipments: Sequence[Shipment], size: int) -> Iterator[Sequence[Shipment]]:
    for start in range(0, len(shipments), size):
        yield shipments[start : start + size]


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

    ``workers``: processes to use (``None``: one per core). Shipments and their exchange-rate
    sources must be picklable to cross processes (``FixedRates`` and the Bank of Canada CSV source
    are). ``errors="raise"`` (the default) estimates everything, then raises one
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
    try:
        if count == 1 or len(batch) <= chunk_size:
            for shipment in batch:
                outcomes.append(_one(shipment, settings))
                advance(1)
        else:
            chunks = list(_chunks(batch, chunk_size))
            with ProcessPoolExecutor(max_workers=count) as pool:
                for chunk, results in zip(
                    chunks, pool.map(_work, chunks, [settings] * len(chunks)), strict=True
                ):
                    for shipment, result in zip(chunk, results, strict=True):
                        outcomes.append(_rebuild(shipment, result))
                    advance(len(chunk))
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


def _rebuild(shipment: Shipment, result: Any) -> Outcome:
    if isinstance(result, ValidationErrors):
        return result
    lines, low_value, edition, settings = result
    return Estimate(shipment, lines, low_value, edition, settings)
