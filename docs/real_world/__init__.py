"""Targets of apifuzz campaigns on PyPI libraries (see docs/real_world.md)."""
