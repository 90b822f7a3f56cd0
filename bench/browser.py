"""Headless Chromium through Playwright (sync API, main thread of the driver) and
the page-side probes that time things inside the page.

Debian's /usr/bin/chromium is used; nothing is downloaded.
"""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


class Browser:
    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright
        self._pw = sync_playwright().start()
        try:
            self.browser = self._pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        except BaseException:
            self._pw.stop()
            raise
        self.version = self.browser.version

    def new_page(self, context: Any = None) -> Any:
        ctx = context or self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        return page

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()


# Finds the element whose own text node is exactly `text` (null if none).
_FIND = """
const __pgbFind = (root, text) => {
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) if (n.data === text) return n.parentElement;
  return null;
};
"""

# Click probe: a capturing click listener stamps the click, a MutationObserver on
# the label stamps the change of its text; window.__pgbClickWait(n, ms) resolves
# once n changes were seen.  Returns the button's centre (viewport coordinates).
CLICK_SETUP = "([label, button]) => {" + _FIND + """
  const lab = __pgbFind(document.body, label);
  const btnText = __pgbFind(document.body, button);
  if (!lab || !btnText) throw new Error('click UI not found in the page');
  const btn = btnText.closest('button') || btnText;
  const st = window.__pgbClick = {t0: null, lat: [], waiters: [], button: btn};
  window.addEventListener('click', () => { st.t0 = performance.now(); }, true);
  let last = lab.textContent;
  new MutationObserver(() => {
    const txt = lab.textContent;
    if (txt === last) return;
    last = txt;
    const t = performance.now();
    st.lat.push(st.t0 === null ? -1 : t - st.t0);
    st.t0 = null;
    st.waiters = st.waiters.filter(([n, res]) => {
      if (st.lat.length >= n) { res(st.lat.length); return false; }
      return true;
    });
  }).observe(lab, {childList: true, subtree: true, characterData: true});
  window.__pgbClickWait = (n, ms) => new Promise((res, rej) => {
    if (st.lat.length >= n) return res(st.lat.length);
    st.waiters.push([n, res]);
    setTimeout(() => rej(new Error(`click ${n}: label not updated within ${ms} ms`)), ms);
  });
  const r = btn.getBoundingClientRect();
  const x = r.x + r.width / 2, y = r.y + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (!hit || !btn.contains(hit)) throw new Error('the button is covered or off screen');
  return [x, y];
}"""

# One click after CLICK_SETUP: click the button, resolve once n label changes were
# seen (page.evaluate(CLICK_ONE, [n, timeout_ms])).
CLICK_ONE = ("([n, ms]) => { window.__pgbClick.button.click(); "
             "return window.__pgbClickWait(n, ms); }")

# Reload probe, installed as an init script (runs first in every new document):
# performance.now() (ms since this navigation started) when the element whose text
# is localStorage.__pgbMark is connected and visible.  Only added subtrees are
# searched, so the cost is proportional to what the page adds.
RELOAD_PROBE = "(() => {" + _FIND + """
  const MARK = localStorage.getItem('__pgbMark');
  if (!MARK) return;
  const st = window.__pgbReload = {t: null, el: null};
  const done = () => {
    if (st.el && st.el.isConnected && st.el.checkVisibility()) {
      st.t = performance.now();
      obs.disconnect();
    }
  };
  const obs = new MutationObserver((records) => {
    if (st.t !== null) return;
    if (!st.el || !st.el.isConnected) {
      st.el = null;
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.textContent && n.textContent.includes(MARK)) {
            st.el = n.nodeType === 3 ? n.parentElement : __pgbFind(n, MARK);
            if (st.el) break;
          }
        }
        if (st.el) break;
      }
    }
    done();
  });
  obs.observe(document, {childList: true, subtree: true, attributes: true,
                         characterData: true});
})();"""

# Floor page: echo every WebSocket message back unchanged.
ECHO_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>echo</title></head>
<body><script>
const ws = new WebSocket(`ws://${location.host}/ws`);
ws.onmessage = (e) => ws.send(e.data);
ws.onopen = () => { document.title = 'open'; };
</script></body></html>"""
