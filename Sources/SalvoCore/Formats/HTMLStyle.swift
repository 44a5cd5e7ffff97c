/// The HTML report's inline style (light and dark by the reader's setting) and its one script (the recipient
/// search; everything else works with scripts off).
enum HTMLStyle {
    static let results = LaunchResult.allCases.map(\.rawValue)

    static let css =
        """

        :root{color-scheme:light dark;--bg:#fff;--fg:#1d2127;--muted:#667085;--line:#d9dde3;--panel:#f5f7fa;
        --ok:#1a7f37;--rejected:#cf222e;--not-sent:#bc4c00;--unknown:#8250df;--skipped:#6e7781;--bar:#3b6fd8}
        @media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#e6e8eb;--muted:#9aa4b2;--line:#2d333b;
        --panel:#1a1f26;--ok:#3fb950;--rejected:#f85149;--not-sent:#db6d28;--unknown:#a371f7;--skipped:#8b949e;
        --bar:#5b8def}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1400px;padding:16px 24px;background:var(--bg);color:var(--fg);
        font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:20px 0 8px}h3{font-size:13px;margin:0 0 4px}
        code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
        .state{font-size:13px;padding:2px 8px;border-radius:10px;border:1px solid var(--line);color:var(--muted);
        vertical-align:middle}
        .state.finished{color:var(--ok);border-color:var(--ok)}
        .state.interrupted,.state.running{color:var(--not-sent);border-color:var(--not-sent)}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
        .facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
        .totals{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
        .tile{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--muted);
        border-radius:6px;padding:6px 12px;min-width:84px}
        .tile b{display:block;font-size:18px}.tile span{color:var(--muted);font-size:12px}
        .tile.all{border-left-color:var(--bar)}.tile.figure{border-left-color:var(--line)}
        .tile.ok{border-left-color:var(--ok)}.tile.rejected{border-left-color:var(--rejected)}
        .tile.not-sent{border-left-color:var(--not-sent)}.tile.unknown{border-left-color:var(--unknown)}
        .tile.skipped{border-left-color:var(--skipped)}
        .charts{display:flex;flex-wrap:wrap;gap:16px}
        figure{margin:0;flex:1 1 420px;background:var(--panel);border:1px solid var(--line);border-radius:6px;
        padding:8px 12px}
        figcaption{color:var(--muted);font-size:12px;margin-bottom:4px}
        svg.chart{width:100%;height:auto;display:block}svg rect{fill:var(--bar)}
        svg line{stroke:var(--line)}svg text{fill:var(--muted);font-size:11px}
        .note,.empty{color:var(--muted)}
        .launches>input[type=radio]{position:absolute;opacity:0;pointer-events:none}
        .launches>label{display:inline-block;padding:3px 10px;margin:0 4px 6px 0;border:1px solid var(--line);
        border-radius:14px;cursor:pointer;user-select:none}
        .launches>input:checked+label{background:var(--bar);border-color:var(--bar);color:#fff}
        .launches>input:focus-visible+label{outline:2px solid var(--bar);outline-offset:2px}
        #search{margin:0 0 6px 8px;padding:3px 8px;border:1px solid var(--line);border-radius:6px;
        background:var(--bg);color:var(--fg);min-width:240px}
        .head,.launch{display:grid;grid-template-columns:9% 12% 19% 8% 5% 7% 32% 8%}
        .head{position:sticky;top:0;background:var(--bg);z-index:1;border-bottom:2px solid var(--line);font-weight:600}
        .head>*,.launch>*{padding:3px 6px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        .launch{border-bottom:1px solid var(--line);font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;
        font-size:12.5px}
        .chunk{content-visibility:auto;contain-intrinsic-size:auto 13000px}
        .launch>:nth-child(7){white-space:normal;overflow-wrap:anywhere}
        .result{font-weight:600}
        .launch.ok .result{color:var(--ok)}.launch.rejected .result{color:var(--rejected)}
        .launch.not-sent .result{color:var(--not-sent)}.launch.unknown .result{color:var(--unknown)}
        .launch.skipped .result{color:var(--skipped)}
        .detail{display:none;padding:6px;background:var(--panel);border-bottom:1px solid var(--line)}
        .detail:target{display:block}.launch,.detail{scroll-margin-top:40px}
        .exchange{display:grid;grid-template-columns:1fr 1fr;gap:12px}
        .exchange pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:420px;overflow:auto}
        .close{display:inline-block;margin-top:4px}
        .launch.miss{display:none}
        footer{color:var(--muted);font-size:12px;margin-top:16px}

        """ + filters

    /// One rule per outcome filter: the launches of other outcomes hidden while it is chosen.
    private static let filters =
        results.map { "#show-\($0):checked~.table .launch:not(.\($0)){display:none}\n" }.joined()
        + "#show-not-ok:checked~.table .launch.ok,#show-not-ok:checked~.table .launch.skipped{display:none}\n"

    static let script =
        """
        (function(){var box=document.getElementById('search');if(!box)return;box.hidden=false;
        var rows=document.querySelectorAll('div.launch'),timer;
        box.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(function(){
        var q=box.value.trim().toLowerCase();
        for(var i=0;i<rows.length;i++){var r=rows[i];
        r.classList.toggle('miss',q!==''&&r.children[2].textContent.toLowerCase().indexOf(q)<0);}},150);});})();
        """
}
