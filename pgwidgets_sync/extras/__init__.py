"""Composite widgets of the blocking API (the core's, driven from any thread)::

    from pgwidgets_sync.extras.file_browser import FileBrowser
"""
