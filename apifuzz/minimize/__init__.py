"""Minimization: the smallest script that still shows the same bug."""

from apifuzz.minimize.ddmin import ddmin
from apifuzz.minimize.minimizer import Minimized, Minimizer, MinimizeStatus

__all__ = ["MinimizeStatus", "Minimized", "Minimizer", "ddmin"]
