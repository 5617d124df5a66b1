"""Links between items of one organisation: where an item came from and what it led to
(a proposal born at a meeting, a budget project that came from proposals, a result that
a proposal led to), and the « issu de la participation » label they give."""
