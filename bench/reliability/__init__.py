"""Load and fault benchmarks of ``pgwidgets_core``: ``python -m bench.reliability``.

Not part of the test run. Three scenarios, each in a worker process of its own under
a hard timeout (see ``__main__``):

- ``load`` (:mod:`.load`, :mod:`.loadpages`): 100 concurrent fake pages, each its own
  session, clicking for 60 s; errors, callback latency, memory.
- ``fuzz`` (:mod:`.fuzz`, :mod:`.strategies`): 10,000 generated frames into one
  session of a live server; the server, that connection and an unrelated session
  must keep working, and nothing may log a traceback.
- ``kill`` (:mod:`.kill`): a page killed mid-rebuild (fake page and real Chromium),
  mid-upload and mid-call; the session, the slots and the pending requests must be
  left exact.

:mod:`.page` is the light fake page they share. docs/reliability.md has the figures.
"""
