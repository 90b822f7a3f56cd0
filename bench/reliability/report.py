"""The summary table printed at the end of a run (plain text, also pasted in the docs)."""

from __future__ import annotations

from typing import Any


def _ok(flag: Any) -> str:
    return "PASS" if flag else "FAIL"


def _kib(v: Any) -> str:
    return f"{v / 1024:.1f} MiB" if isinstance(v, (int, float)) else "?"


def load_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    m = r.get("metrics") or {}
    if not m:
        return [("load", _ok(False), r.get("error", "no result"))]
    lat, mem, err = m.get("latency_ms", {}), m.get("memory", {}), m.get("errors", {})
    rss = mem.get("rss_kib", {})
    settled = mem.get("settled", {})
    errors = sum(v for k, v in err.items() if isinstance(v, int))
    return [
        ("load", _ok(r.get("ok")),
         f"{m['connected']}/{m['pages']} pages ({m['pages_mode']}), "
         f"{m['duration_s']:.0f} s at {m['rate_per_page']:g} callbacks/s each"),
        ("", "", f"callbacks {m['callbacks_per_s']}/s sent, {m['handled_per_s']}/s handled; "
                 f"{m['callbacks_handled']}/{m['callbacks_sent']} handled"),
        ("", "", f"messages/s: {m['msgs_per_s_server_to_pages']} server->pages, "
                 f"{m['msgs_per_s_pages_to_server']} pages->server; "
                 f"{m['queries']} queries, {m['flushes']} flushes"),
        ("", "", f"callback->handler latency p50 {lat.get('p50')} ms, p95 {lat.get('p95')} ms, "
                 f"p99 {lat.get('p99')} ms; loop lag p50 {m['loop_lag_ms']['p50']} ms"),
        ("", "", f"errors {errors} ({', '.join(f'{k} {v}' for k, v in err.items() if v)
                                      or 'none of any kind'})"),
        ("", "", f"RSS start {_kib(rss.get('start'))}, middle {_kib(rss.get('middle'))}, "
                 f"end {_kib(rss.get('end'))}; 2nd half "
                 f"{mem.get('second_half_rss_growth_kib')} KiB "
                 f"({mem.get('second_half_rss_slope_kib_per_s')} KiB/s)"),
        ("", "", f"Python blocks at rest {settled.get('start', {}).get('blocks')} -> "
                 f"{settled.get('end', {}).get('blocks')} "
                 f"({mem.get('settled_blocks_growth'):+d}); server CPU "
                 f"{m['server_cpu_pct']}% of a core" if "settled_blocks_growth" in mem
         else "Python blocks at rest: n/a"),
    ]


def fuzz_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    m = r.get("metrics") or {}
    if not m:
        return [("fuzz", _ok(False), r.get("error", "no result"))]
    checks = r.get("checks", {})
    other = next((v for k, v in checks.items() if k.startswith("unrelated")), {})
    answered = checks.get("fuzzed connection answers a query after the storm", {}).get("ok")
    lim = m.get("limits", {})
    st_b, st_a = m.get("state", {}).get("before", {}), m.get("state", {}).get("after", {})
    return [
        ("fuzz", _ok(r.get("ok")),
         f"{m['frames']} frames ({m['bytes_sent'] / 2**20:.0f} MiB) in {m['storm_s']} s, "
         f"+{m['frames_replayed']} replayed to attribute; seed {m['seed']}"),
        ("", "", f"server closed the fuzzed connection {m['reconnects']} times "
                 f"{m['closes'] or ''}; tracebacks logged "
                 f"{r.get('logs', {}).get('with_traceback')}; distinct findings "
                 f"{len(r.get('findings', []))}"),
        ("", "", f"after the storm: query on the fuzzed connection {_ok(answered)}; "
                 f"unrelated session {other.get('detail')}"),
        ("", "", f"limits: oversize frame -> {lim.get('over_frame_limit', {}).get('code')}, "
                 f"invalid UTF-8 text -> {lim.get('invalid_utf8_text_frame', {}).get('code')}; "
                 f"session next_wid {st_b.get('next_wid')} -> "
                 f"{_short(st_a.get('next_wid'))}, widgets {st_b.get('widgets')} -> "
                 f"{st_a.get('widgets')}"),
    ]


def _short(v: Any) -> str:
    s = str(v)
    return s if len(s) < 16 else f"~1e{len(s) - 1} ({len(s)} digits)"


def kill_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    cases = r.get("cases") or []
    if not cases:
        return [("kill", _ok(False), r.get("error", "no result"))]
    rows = [("kill", _ok(r.get("ok")), f"{len(cases)} cases, max_sessions=1")]
    for c in cases:
        m = c.get("metrics", {})
        bits = []
        if "attempts" in m:
            a = m["attempts"][-1]
            bits.append(f"{a['answered_at_kill']}/{a['rebuild_messages']} answered at kill")
        elif "rebuild_messages_total" in m:
            bits.append(f"{m['rebuild_messages_answered']}/{m['rebuild_messages_total']} "
                        "answered at kill")
        if "query_returned_ms" in m:
            bits.append(f"query -> None in {m['query_returned_ms']} ms")
        if "open_transfer_before_kill" in m:
            bits.append("1 MiB of 1.5 MiB upload held at kill")
        bits.append(f"detached in {m.get('detach_ms')} ms")
        failed = [k for k, v in c.get("checks", {}).items() if not v["ok"]]
        rows.append(("", _ok(c.get("ok")), f"{c['case']}: {'; '.join(bits)}"
                     + (f" -- failed: {', '.join(failed)}" if failed else "")))
    return rows


def table(results: dict[str, dict[str, Any]]) -> str:
    """The summary table of every scenario run."""
    rows: list[tuple[str, str, str]] = []
    for name, make in (("load", load_rows), ("fuzz", fuzz_rows), ("kill", kill_rows)):
        if name in results:
            try:
                rows += make(results[name])
            except (KeyError, TypeError, ValueError) as exc:
                rows.append((name, _ok(results[name].get("ok")), f"(summary failed: {exc!r})"))
    w0 = max(len(r[0]) for r in rows)
    lines = [f"{'scenario':<{w0}}  result  figures", "-" * 100]
    for a, b, c in rows:
        lines.append(f"{a:<{w0}}  {b:<6}  {c}")
    return "\n".join(lines)


def failures(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per failed check, and the fuzz findings."""
    out = []
    for name, r in results.items():
        if r.get("error"):
            out.append(f"{name}: {r['error']}")
        for k, v in (r.get("checks") or {}).items():
            if not v["ok"]:
                out.append(f"{name}: {k}: {v['detail']}")
        for c in r.get("cases") or []:
            for k, v in c.get("checks", {}).items():
                if not v["ok"]:
                    out.append(f"{name}/{c['case']}: {k}: {v['detail']}")
        for f in r.get("findings") or []:
            out.append(f"{name} finding x{f['count']}: {f['signature']}"
                       + (f" closes {f['closes']}" if f["closes"] else "")
                       + f"\n    repro: {f['repro']}")
    return out
