package dev.ebpm.playground;

import dev.ebpm.web.Asset;
import dev.ebpm.web.Html;
import dev.ebpm.web.PageShell;
import java.nio.file.Path;
import java.util.List;

/**
 * The playground's one page, in the pages' shared shell (web-pages): the editor (a textarea with a gutter of line
 * numbers that marks clang's errors), the buttons, and where a run's events, histograms and bpf_printk lines appear.
 * Everything on it is built by {@code playground.js} from the JSON API, with DOM calls and {@code textContent}.
 */
final class PlaygroundPage {
    static final Asset SCRIPT = Asset.load(PlaygroundPage.class, "playground.js", "text/javascript; charset=utf-8");

    private PlaygroundPage() {
    }

    static byte[] render(Path saveDir, boolean canRun) {
        Html header = Html.of("<span class=\"pg-title\">playground</span><nav><span class=\"pg-where\">saves to <code>{}</code></span></nav>",
                saveDir.toString());
        Html main = Html.of("""
                <noscript><p class="banner">The playground needs JavaScript: its buttons call ebpm on this machine.</p></noscript>
                {}
                <div class="pg-toolbar">
                <label for="source">Start from</label>
                <select id="source"><option value="template:">ebpm init template</option></select>
                <button type="button" id="build" class="pg-button">Build</button>
                <button type="button" id="run" class="pg-button primary">Run</button>
                <button type="button" id="stop" class="pg-button" disabled>Stop</button>
                <span id="status" class="pg-status" role="status">ready</span>
                </div>
                <div class="pg-layout">
                <section class="pg-editor" aria-label="editor">
                <div id="tabs" class="pg-tabs" role="tablist"></div>
                <div class="pg-code">
                <div id="gutter" class="pg-gutter" aria-hidden="true"></div>
                <div class="pg-text"><div id="marks" class="pg-marks" aria-hidden="true"></div>
                <textarea id="editor" spellcheck="false" wrap="off" autocapitalize="off" autocomplete="off" aria-label="source"></textarea></div>
                </div>
                <ul id="diagnostics" class="pg-diagnostics"></ul>
                <details id="build-details" class="pg-details" hidden><summary>clang's output</summary><pre id="build-output"></pre></details>
                <form id="save-form" class="pg-save">
                <label for="save-name">Save as package</label>
                <input id="save-name" name="name" required pattern="[a-z][a-z0-9_\\-]{0,63}" placeholder="name">
                <button type="submit" class="pg-button">Save</button>
                <span id="save-result" class="pg-save-result"></span>
                </form>
                </section>
                <section class="pg-output" aria-label="output">
                <h2>Events <span id="event-count" class="muted"></span></h2>
                <div class="pg-events"><table id="events" class="grid events"><thead><tr></tr></thead><tbody></tbody></table>
                <p id="no-events" class="empty">Run the program to see its events here.</p></div>
                <h2>Histograms</h2>
                <div id="histograms" class="pg-histograms"><p class="empty">Sampled maps show here as bars.</p></div>
                <h2>bpf_printk</h2>
                <ol id="printk" class="pg-printk"></ol>
                <ul id="notes" class="pg-notes"></ul>
                </section>
                </div>
                """, canRun ? Html.EMPTY : Html.trusted("<p class=\"banner\" id=\"not-root\">Build works; Run needs root "
                        + "(or CAP_BPF and CAP_PERFMON): start it with <code>sudo ebpm playground</code>.</p>"));
        Html footer = Html.trusted("ebpm playground &middot; on this machine only (loopback); one run at a time, detached when "
                + "this page closes or goes idle");
        return PageShell.render("ebpm", "/", new PageShell.Page("ebpm playground", header, main, footer, List.of(SCRIPT)));
    }
}
