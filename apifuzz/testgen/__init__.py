"""Scripts to pytest: a crashing script turned into a readable regression test.

:mod:`~apifuzz.testgen.regression` runs the script once more, collects its
calls (:mod:`~apifuzz.testgen.steps`) and writes the test with libcst
(:mod:`~apifuzz.testgen.emit` and the modules it uses);
:mod:`~apifuzz.testgen.plugin` replays crash folders as tests
(``pytest --apifuzz-regress``).
"""
