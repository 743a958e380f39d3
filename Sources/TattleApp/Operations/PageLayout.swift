import Foundation

/// The shell every status page shares: one self-contained document (inline CSS, no external assets
/// or fonts), readable without JavaScript. A small script, allowed by a per-response nonce in the
/// Content-Security-Policy, refreshes the main page and drives the buttons that call the admin API.
enum PageLayout {
    /// The response headers: a CSP that allows only the page's own nonce'd script and same-origin
    /// `fetch`, so even a value that escaped escaping could not run.
    static func headers(nonce: String) -> [(String, String)] {
        [
            ("Content-Type", "text/html; charset=utf-8"),
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-\(nonce)'; connect-src 'self'; "
                    + "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
        ]
    }

    /// A fresh nonce for one response.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The whole document. `title` and `body` are HTML already (the caller escaped every value).
    static func document(title: String, body: String, nonce: String, refreshSeconds: Int? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><a class="brand" href="/">Tattle</a> <span class="muted">status</span>
        <nav><a href="/">overview</a> · <a href="/api/v1/deliveries">deliveries JSON</a> · <a href="/api/v1/events">events JSON</a> · <a href="/metrics">metrics</a> · <a href="/readyz">readyz</a></nav></header>
        <main>
        \(body)
        </main>
        <script nonce="\(nonce)">\(script(refreshSeconds: refreshSeconds))</script>
        </body>
        </html>

        """
    }

    /// Buttons carry `data-api` (the endpoint) and `data-method`; the script asks for the admin
    /// token once per tab (kept in `sessionStorage`), calls the API and shows the answer. It marks
    /// `<html data-js="on">`: without script the buttons, which could do nothing, are hidden.
    static func script(refreshSeconds: Int?) -> String {
        let refresh =
            refreshSeconds.map {
                "setTimeout(function(){ if (!busy && !document.hidden) location.reload(); }, \($0 * 1000));"
            } ?? ""
        return """
            document.documentElement.dataset.js = 'on';
            var busy = false;
            \(refresh)
            document.addEventListener('click', async function (e) {
              var b = e.target.closest('button[data-api]');
              if (!b) return;
              busy = true;
              var token = sessionStorage.getItem('tattle-admin-token') || prompt('Admin token (TATTLE_ADMIN_TOKEN)');
              if (!token) { busy = false; return; }
              var r = await fetch(b.dataset.api, { method: b.dataset.method || 'POST',
                headers: { 'Authorization': 'Bearer ' + token } });
              var text = await r.text();
              if (r.ok) sessionStorage.setItem('tattle-admin-token', token);
              else if (r.status === 401) sessionStorage.removeItem('tattle-admin-token');
              var out = document.getElementById('api-result');
              out.textContent = r.status + ' ' + text;
              out.hidden = false;
              busy = false;
              if (r.ok) setTimeout(function(){ location.reload(); }, 1200);
            });
            """
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
        header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:14px;align-items:baseline;flex-wrap:wrap}
        header a{color:#fff}.brand{font-weight:700;font-size:17px;text-decoration:none}
        nav{margin-left:auto;font-size:13px}main{padding:14px 20px 40px;max-width:1400px}
        h1{font-size:19px;margin:6px 0 12px}h2{font-size:15px;margin:22px 0 8px}
        table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        th,td{text-align:left;padding:5px 9px;border-bottom:1px solid #e6e8ec;vertical-align:top;unicode-bidi:isolate;overflow-wrap:anywhere}
        th{white-space:nowrap;overflow-wrap:normal;background:#eef0f4;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
        td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.k{white-space:nowrap;overflow-wrap:normal}.muted{color:#7a8291}
        .bad{color:#b3261e;font-weight:600}.ok{color:#1e7b34;font-weight:600}.warn{color:#9a6700;font-weight:600}
        pre{background:#fff;border:1px solid #e6e8ec;padding:10px;overflow:auto;white-space:pre-wrap;word-break:break-word;unicode-bidi:isolate}
        code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
        button{white-space:nowrap;font:inherit;font-size:12px;padding:2px 9px;border:1px solid #8a93a3;background:#fff;border-radius:4px;cursor:pointer}
        html:not([data-js]) button[data-api]{display:none}
        #api-result{background:#fff8e1;border:1px solid #e0c36c;padding:8px;margin:10px 0;white-space:pre-wrap}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;background:#fff;padding:10px;margin:0}
        time{white-space:nowrap}dt{color:#7a8291}dd{margin:0;unicode-bidi:isolate}
        """
}
