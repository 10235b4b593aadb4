"""Money is conserved under any sequence of posts, payments, corrections, credits, offsets and
disbursements (hypothesis state machine)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from carm.identifiers import transaction_number
from carm.ledger import Kind, Ledger, Transaction

ACCOUNT = "123026635RM0001"
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)


class LedgerMachine(RuleBasedStateMachine):
    @initialize(order=st.sampled_from(["oldest-due-first", "newest-first"]))
    def start(self, order: str) -> None:
        self.book = Ledger(allocation_order=order)  # type: ignore[arg-type]
        self.day = date(2026, 1, 5)
        self.sequence = 0
        self.paid: dict[str, Decimal] = {}

    def _tick(self, days: int) -> date:
        self.day += timedelta(days=days)
        return self.day

    def _number(self) -> str:
        self.sequence += 1
        return transaction_number.make(account_security="12345", sequence=self.sequence)

    @rule(amount=amounts, days=st.integers(0, 5), lag=st.integers(0, 4))
    def post_cad(self, amount: Decimal, days: int, lag: int) -> None:
        posted = self._tick(days)
        self.book.post(
            Transaction(
                ACCOUNT, self._number(), "CAD", amount, posted, posted - timedelta(days=lag)
            )
        )

    @rule(amount=amounts, days=st.integers(0, 5), debit=st.booleans())
    def adjust(self, amount: Decimal, days: int, debit: bool) -> None:
        cads = [t for t in self.book.transactions(ACCOUNT) if t.kind is Kind.CAD]
        if not cads:
            return
        posted = self._tick(days)
        self.book.post(
            Transaction(
                ACCOUNT,
                self._number(),
                "adjustment",
                amount if debit else -amount,
                posted,
                relates_to=cads[-1].number,
            )
        )

    @rule(amount=amounts, days=st.integers(0, 5))
    def credit(self, amount: Decimal, days: int) -> None:
        posted = self._tick(days)
        self.book.post(
            Transaction(ACCOUNT, f"REF-{self.sequence}-{posted}", "credit", -amount, posted)
        )
        self.sequence += 1

    @rule(amount=amounts, days=st.integers(0, 5))
    def pay(self, amount: Decimal, days: int) -> None:
        payment, _ = self.book.pay(account=ACCOUNT, amount=amount, received=self._tick(days))
        self.paid[payment.number] = amount

    @rule(days=st.integers(0, 5))
    def offset(self, days: int) -> None:
        self.book.offset(ACCOUNT, self._tick(days))

    @rule(days=st.integers(0, 5))
    def disburse(self, days: int) -> None:
        self.book.disburse(ACCOUNT, self._tick(days))

    @invariant()
    def balance_is_the_sum_of_open_items(self) -> None:
        items = self.book.open_items(ACCOUNT)
        assert self.book.balance(ACCOUNT) == sum((i.remaining for i in items), Decimal("0.00"))

    @invariant()
    def payments_are_allocated_or_held(self) -> None:
        allocated: dict[str, Decimal] = {}
        for a in self.book.allocations:
            allocated[a.credit] = allocated.get(a.credit, Decimal(0)) + a.amount
        remaining = {i.transaction.number: i.remaining for i in self.book.open_items(ACCOUNT)}
        for number, amount in self.paid.items():
            assert amount == allocated.get(number, Decimal(0)) - remaining.get(number, Decimal(0))

    @invariant()
    def nothing_is_over_applied(self) -> None:
        for item in self.book.open_items(ACCOUNT):
            original = Decimal(item.transaction.amount)
            assert abs(item.remaining) <= abs(original)
            assert (item.remaining > 0) == (original > 0)
        for a in self.book.allocations:
            assert a.amount > 0


TestLedger = LedgerMachine.TestCase
# Each step re-reads the whole book: cap the CI profile's examples to keep the run short.
TestLedger.settings = settings(
    max_examples=min(settings().max_examples, 300), stateful_step_count=40
)
