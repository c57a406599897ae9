"""Minimization: the smallest script that still shows the same bug."""

from apifuzz.minimize.ddmin import ddmin
from apifuzz.minimize.minimizer import Minimized, Minimizer, Status

__all__ = ["Minimized", "Minimizer", "Status", "ddmin"]
