"""Plans against uncertainty: one plan judged across many drawn scenarios at once, stacked into
one program (`stack`), for a measure (`against_draws`: mean, CVaR, targets met with a chance)."""
