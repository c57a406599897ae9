"""The pytest plugin: ``pytest --apifuzz-trace=DIR`` turns each test into seed scripts.

``pytest --apifuzz-regress=DIR`` replays every crash folder under DIR as a
regression test (:mod:`apifuzz.testgen.plugin`).

This module is loaded by pytest in every run, so it only declares options;
the recorder is imported and registered only when ``--apifuzz-trace`` is given,
the regression collector only with ``--apifuzz-regress``.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apifuzz", "apifuzz: trace model calls into a seed corpus")
    group.addoption(
        "--apifuzz-trace",
        metavar="DIR",
        default=None,
        help="record every test's calls on model instances and write one script per test "
        "and model into DIR/<target>/",
    )
    group.addoption(
        "--apifuzz-corpus",
        metavar="DIR",
        default=None,
        help="with --apifuzz-trace and one --apifuzz-target: write its scripts (and "
        "aliases.lock) into DIR itself instead of DIR/<target>/ under --apifuzz-trace",
    )
    group.addoption(
        "--apifuzz-target",
        metavar="TARGET",
        action="append",
        default=[],
        help="trace only this target (MODULE or MODULE:ATTRIBUTE); repeatable. Default: "
        "the apifuzz_targets ini value, else every class decorated with @api. With "
        "--apifuzz-regress: the targets crash folders replay with (a folder naming "
        "another one fails, and is never imported)",
    )
    group.addoption(
        "--apifuzz-regress",
        metavar="DIR",
        default=None,
        help="replay every crash folder under DIR (a folder holding input.txt) as a test that "
        "fails while its bug still shows, on the target of --apifuzz-target or the "
        "apifuzz_targets ini value",
    )
    parser.addini(
        "apifuzz_targets",
        "targets traced by --apifuzz-trace, and the only ones --apifuzz-regress replays "
        "crash folders with",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("apifuzz_trace")
    if out:
        from apifuzz.tracing.session import TraceSession

        specs = config.getoption("apifuzz_target") or config.getini("apifuzz_targets")
        corpus = config.getoption("apifuzz_corpus")
        if corpus and len(specs) != 1:
            raise pytest.UsageError("--apifuzz-corpus: give exactly one --apifuzz-target")
        session = TraceSession(config, out, list(specs), corpus)
        config.pluginmanager.register(session, "apifuzz-trace")
    regress = config.getoption("apifuzz_regress")
    if regress:
        from apifuzz.testgen.plugin import RegressPlugin

        specs = config.getoption("apifuzz_target") or config.getini("apifuzz_targets")
        config.pluginmanager.register(
            RegressPlugin(config, regress, list(specs)), "apifuzz-regress"
        )
