"""A fuzzing campaign (``apifuzz fuzz``): workers, progress, the steps after, the summary.

:func:`~apifuzz.campaign.run.fuzz` prepares the workdir and starts the
workers (:mod:`~apifuzz.campaign.workers`), shows progress until they stop
(:mod:`~apifuzz.campaign.progress`), minimizes each new bug and writes its
regression test (:mod:`~apifuzz.campaign.after`), and prints the summary
(:mod:`~apifuzz.campaign.summary`).
"""
