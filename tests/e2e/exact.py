"""exact.py - exact linear algebra for the differencing attacks (attack_*.sh):
which unknowns a set of published equations determines, solved over the
rationals so that no rounding hides or invents a recovery.

determined(eqs, unknown): eqs is a list of (terms, rhs), terms a list of
(key, coefficient) over keys of unknown (an unknown may appear in several
terms), rhs the known value of the sum; returns {key: value} for every
unknown that the equations fix by themselves (its row of the reduced
echelon form has no other unknown), in the order of unknown.
"""
from fractions import Fraction


def determined(eqs, unknown):
    idx = {k: i for i, k in enumerate(unknown)}
    n = len(unknown)
    m = []
    for terms, rhs in eqs:
        row = [Fraction(0)] * (n + 1)
        row[n] = Fraction(rhs)
        for k, c in terms:
            row[idx[k]] += c
        if any(row[:n]):
            m.append(row)
    rank, piv = 0, []
    for c in range(n):
        p = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if p is None:
            continue
        m[rank], m[p] = m[p], m[rank]
        pv = m[rank][c]
        m[rank] = [x / pv for x in m[rank]]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank])]
        piv.append(c)
        rank += 1
    out = {}
    for r, c in enumerate(piv):
        if all(m[r][j] == 0 for j in range(n) if j != c):
            out[unknown[c]] = m[r][n]
    return dict((k, out[k]) for k in unknown if k in out)
