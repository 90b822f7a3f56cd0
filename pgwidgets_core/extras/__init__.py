"""Composite widgets built from the pgwidgets-js classes, as the reference binding's
``pgwidgets.extras`` ships them::

    from pgwidgets_core.extras.file_browser import FileBrowser     # asyncio
    from pgwidgets_sync.extras.file_browser import FileBrowser     # blocking
"""
