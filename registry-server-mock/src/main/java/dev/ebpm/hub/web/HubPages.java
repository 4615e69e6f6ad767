package dev.ebpm.hub.web;

import dev.ebpm.hub.catalog.Catalog.Listed;
import dev.ebpm.hub.catalog.CatalogPackage;
import dev.ebpm.hub.catalog.CatalogVersion;
import dev.ebpm.hub.catalog.PublisherProfile;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.web.Asset;
import dev.ebpm.web.Html;
import dev.ebpm.web.HtmlTable;
import dev.ebpm.web.PageShell;
import dev.ebpm.web.SafeUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The hub's HTML pages: home, search results, a package (one version of it), a publisher, not found. Server-rendered
 * from the catalog and readable without script; the one script ({@link #SCRIPT}) only adds live suggestions under the
 * search box, from the JSON search endpoint. Every string from a package or a request goes through {@link Html}.
 */
public final class HubPages {
    /** The pages' one script: suggestions under the search box as one types. */
    public static final Asset SCRIPT = Asset.load(HubPages.class, "hub.js", "text/javascript; charset=utf-8");
    private static final String TITLE = "ebpm hub";

    /**
     * What every page says about the hub.
     *
     * @param url the hub's address as the browser reached it (what {@code ebpm hub add} takes)
     * @param key the key that signs the hub's index
     */
    public record Site(String url, Fingerprint key) {}

    private HubPages() {
    }

    public static byte[] home(Site site, int packages, int versions, long downloads, List<Listed> mostDownloaded, List<Listed> newest) {
        Html main = Html.of("""
                <div class="hero">
                <h1>eBPF packages</h1>
                <p>Programs for the Linux kernel, published with ebpm: versioned, signed by their publishers, installed with one command.</p>
                <div class="stats"><div><b>{}</b><span>packages</span></div><div><b>{}</b><span>versions</span></div><div><b>{}</b><span>downloads</span></div></div>
                </div>
                <div class="columns">
                <div class="card" id="most-downloaded"><h2>Most downloaded</h2>{}</div>
                <div class="card" id="newest"><h2>Just published</h2>{}</div>
                </div>
                <section class="card" id="use"><h2>Use this hub</h2>
                <code class="install">ebpm hub add {} {} --trust-on-first-use</code>
                <p class="hint">then check that the key it prints is <span class="fingerprint">{}</span>, and install by name: <code>ebpm install NAME</code></p>
                </section>
                """, number(packages), number(versions), number(downloads),
                list(mostDownloaded, "Nothing downloaded yet."), list(newest, "Nothing published yet."),
                HUB_NAME, site.url(), site.key().display());
        return page(site, TITLE, "", main);
    }

    /** @param hits the first of {@code total} matches */
    public static byte[] search(Site site, String query, List<Listed> hits, int total) {
        String q = query.strip();
        Html heading = q.isEmpty() ? Html.of("All packages <span class=\"muted\">({})</span>", number(total))
                : Html.of("{} for &ldquo;{}&rdquo;", total == 1 ? "1 package" : number(total) + " packages", q);
        Html more = hits.size() < total ? Html.of("<p class=\"muted\">The first {}; a longer search narrows it down.</p>", hits.size()) : Html.EMPTY;
        Html main = Html.of("<h1 id=\"results-title\">{}</h1>\n<div class=\"card\" id=\"results\">{}</div>{}", heading,
                list(hits, "No package matches. Words are looked up in names, keywords and descriptions."), more);
        return page(site, (q.isEmpty() ? "All packages" : q) + " · " + TITLE, q, main);
    }

    /**
     * One version of a package.
     *
     * @param readme   the README rendered, or null when the version has none (or one too large to show)
     * @param versionDownloads downloads of each version
     */
    public static byte[] pkg(Site site, CatalogPackage p, CatalogVersion v, Html readme, long downloads,
                             ToLongFunction<CatalogVersion> versionDownloads) {
        PackageManifest m = v.manifest();
        boolean shown = v == p.shown();
        Html banner = Html.EMPTY;
        if (v.yanked()) {
            banner = Html.of("<p class=\"banner\" id=\"yanked-banner\">{} is yanked: ebpm does not pick it when resolving, and refuses it"
                    + " by exact version; a lockfile that pins it still gets it.{}</p>", p.name() + "@" + v.version(),
                    p.allYanked() ? Html.text(" Every version of this package is yanked.")
                            : Html.of(" The current version is <a href=\"{}\">{}</a>.", packageHref(p.name()), p.shown().version()));
        }
        Html main = Html.of("""
                <div class="pkg-head"><h1 id="package-name">{}</h1><span class="version" id="package-version">{}</span>{}{}</div>
                <p class="pkg-desc" id="package-description">{}</p>
                {}<div class="layout">
                <div>
                {}
                <section id="versions"><h2>Versions</h2>{}</section>
                </div>
                <aside>
                {}{}{}{}{}
                </aside>
                </div>
                """, p.name(), v.version(), kindBadge(v.kind()), v.yanked() ? YANKED : Html.EMPTY,
                m.description() == null ? "" : m.description(), banner,
                readme == null ? Html.trusted("<p class=\"empty\" id=\"readme\">This version has no README.md.</p>")
                        : Html.of("<article class=\"readme\" id=\"readme\">{}</article>", readme),
                versions(p, v, versionDownloads), install(site, p, v, shown), about(p, v, downloads), needs(m), signature(v),
                digests(v));
        return page(site, p.name() + (shown ? "" : "@" + v.version()) + " · " + TITLE, "", main);
    }

    public static byte[] publisher(Site site, PublisherProfile who, List<Listed> owned) {
        List<Html> keys = new ArrayList<>();
        for (Fingerprint k : who.keys()) keys.add(Html.of("<li><span class=\"fingerprint\">{}</span> <span class=\"digest muted\">{}</span></li>",
                k.display(), k.hex()));
        Html keyList = keys.isEmpty() ? Html.trusted("<p class=\"empty\">No registered key: its uploads are unsigned.</p>")
                : Html.of("<p class=\"muted\">Its uploads must be signed with one of these.</p><ul class=\"keys\">{}</ul>", Html.concat(keys));
        Html main = Html.of("""
                <div class="pkg-head"><h1 id="publisher-name">{}</h1></div>
                <p class="pkg-desc">Publishing on this hub since {}.</p>
                <div class="layout">
                <div><section id="packages"><h2>Packages</h2><div class="card">{}</div></section></div>
                <aside><div class="card" id="keys"><h2>Signing keys</h2>{}</div></aside>
                </div>
                """, who.name(), date(who.since()), list(owned, "No packages."), keyList);
        return page(site, who.name() + " · " + TITLE, "", main);
    }

    public static byte[] notFound(Site site, String message) {
        Html main = Html.of("<h1>Not found</h1>\n<p id=\"not-found\">{}</p>\n<p><a href=\"/\">The hub's home page</a></p>", message);
        return page(site, "Not found · " + TITLE, "", main);
    }

    /** The name the pages suggest for {@code ebpm hub add}; the user picks any. */
    private static final String HUB_NAME = "myhub";
    private static final Html YANKED = Html.trusted(" <span class=\"badge yanked\">yanked</span>");

    private static byte[] page(Site site, String title, String query, Html main) {
        Html header = Html.of("""
                <form class="search" action="/search" method="get" role="search">\
                <input type="search" name="q" value="{}" placeholder="Search packages" aria-label="Search packages">\
                <button type="submit">Search</button></form>
                <nav><a href="/search">All packages</a><a href="/index.json">index.json</a></nav>""", query);
        Html footer = Html.of("ebpm hub · index signed by hub key <span class=\"fingerprint\" id=\"hub-key\">{}</span> ·"
                + " <a href=\"/hub.pub\">hub.pub</a> · <a href=\"/index.json\">index.json</a>", site.key().display());
        return PageShell.render(TITLE, "/", new PageShell.Page(title, header, main, footer, List.of(SCRIPT)));
    }

    private static Html list(List<Listed> packages, String empty) {
        if (packages.isEmpty()) return Html.of("<p class=\"empty\">{}</p>", empty);
        List<Html> items = new ArrayList<>();
        for (Listed l : packages) {
            CatalogPackage p = l.pkg();
            CatalogVersion v = p.shown();
            List<Html> keywords = new ArrayList<>();
            for (String k : p.keywords()) keywords.add(Html.of("<span class=\"keyword\">{}</span>", k));
            items.add(Html.of("""
                    <li><a class="name" href="{}">{}</a><span class="version">{}</span> {}{}
                    <p class="desc">{}</p>
                    <div class="meta">{} · updated <time datetime="{}">{}</time> <span class="keywords">{}</span></div></li>
                    """, packageHref(p.name()), p.name(), v.version(), kindBadge(v.kind()), p.allYanked() ? YANKED : Html.EMPTY,
                    p.description() == null ? "" : p.description(), l.downloads() == 1 ? "1 download" : number(l.downloads()) + " downloads",
                    p.updatedAt(), date(p.updatedAt()), Html.concat(keywords)));
        }
        return Html.of("<ul class=\"packages\">\n{}</ul>", Html.concat(items));
    }

    private static Html versions(CatalogPackage p, CatalogVersion viewed, ToLongFunction<CatalogVersion> downloads) {
        HtmlTable t = new HtmlTable("versions", "Version", "Published", "By", "Signature", "Downloads").numeric(4);
        CatalogVersion shown = p.shown();
        for (int i = p.versions().size() - 1; i >= 0; i--) {
            CatalogVersion v = p.versions().get(i);
            String cls = (v.yanked() ? "yanked" : "") + (v == shown && !v.yanked() ? "current" : "") + (v == viewed ? " viewed" : "");
            t.row(cls.strip(),
                    Html.of("<a href=\"{}\">{}</a>{}", versionHref(p.name(), v), v.version(), v.yanked() ? YANKED : Html.EMPTY),
                    Html.of("<time datetime=\"{}\">{}</time>", v.publishedAt(), date(v.publishedAt())),
                    Html.of("<a href=\"{}\">{}</a>", publisherHref(v.publisher()), v.publisher()),
                    v.signature() == null ? Html.trusted("<span class=\"badge unsigned\">unsigned</span>")
                            : Html.of("<span class=\"badge signed\" title=\"{}\">signed</span>", v.signature().key().hex()),
                    Html.text(number(downloads.applyAsLong(v))));
        }
        return t.render();
    }

    private static Html install(Site site, CatalogPackage p, CatalogVersion v, boolean shown) {
        Html line;
        if (v.yanked()) {
            line = Html.trusted("<p class=\"empty\">A yanked version is not installed by name.</p>");
        } else {
            String spec = shown ? p.name() : p.name() + "@" + v.version();
            line = Html.of("<code class=\"install\" id=\"install-line\">ebpm install {}</code>", spec);
            if (shown) line = Html.of("{}<p class=\"hint\">This version exactly: <code>ebpm install {}</code></p>", line, p.name() + "@" + v.version());
        }
        return Html.of("""
                <div class="card" id="install"><h2>Install</h2>{}
                <p class="hint">New to this hub? <code>ebpm hub add {} {} --trust-on-first-use</code> and check that the key it prints is
                <span class="fingerprint">{}</span>.</p></div>
                """, line, HUB_NAME, site.url(), site.key().display());
    }

    private static Html about(CatalogPackage p, CatalogVersion v, long downloads) {
        PackageManifest m = v.manifest();
        List<Html> facts = new ArrayList<>();
        facts.add(fact("Kind", kindBadge(v.kind())));
        if (m.license() != null) facts.add(fact("License", Html.text(m.license())));
        if (m.homepage() != null) {
            facts.add(fact("Homepage", SafeUrl.check(m.homepage())
                    .map(u -> Html.of("<a href=\"{}\" rel=\"nofollow noopener noreferrer\">{}</a>", u, m.homepage()))
                    .orElse(Html.text(m.homepage()))));
        }
        if (!m.authors().isEmpty()) facts.add(fact("Authors", Html.text(String.join(", ", m.authors()))));
        if (!m.keywords().isEmpty()) {
            List<Html> k = new ArrayList<>();
            for (String kw : m.keywords()) {
                k.add(Html.of("<a class=\"keyword\" href=\"/search?q={}\">{}</a>", URLEncoder.encode(kw, StandardCharsets.UTF_8), kw));
            }
            facts.add(fact("Keywords", Html.of("<span class=\"keywords\">{}</span>", Html.concat(k))));
        }
        List<Html> owners = new ArrayList<>();
        for (String o : p.owners()) owners.add(Html.of("<a href=\"{}\">{}</a> ", publisherHref(o), o));
        facts.add(fact("Owners", Html.concat(owners)));
        facts.add(fact("Downloads", Html.text(number(downloads))));
        return Html.of("<div class=\"card\" id=\"about\"><h2>About</h2><dl class=\"facts\">{}</dl></div>\n", Html.concat(facts));
    }

    private static Html needs(PackageManifest m) {
        PackageManifest.Requires r = m.requires();
        List<Html> facts = new ArrayList<>();
        facts.add(fact("Attach types", r.attach().isEmpty() ? Html.trusted("<span class=\"muted\">none declared</span>")
                : Html.of("<span id=\"attach-types\">{}</span>", String.join(", ", r.attach()))));
        facts.add(fact("BTF", Html.text(r.btf() ? "yes (CO-RE: /sys/kernel/btf/vmlinux)" : "no")));
        facts.add(fact("Ring buffer", Html.text(r.ringbuf() ? "yes (BPF_MAP_TYPE_RINGBUF)" : "no")));
        facts.add(fact("Kernel", Html.text(r.minKernel() == null ? "any" : "Linux " + r.minKernel() + " or later")));
        return Html.of("<div class=\"card\" id=\"needs\"><h2>Needs from the kernel</h2><dl class=\"facts\">{}</dl></div>\n", Html.concat(facts));
    }

    private static Html signature(CatalogVersion v) {
        Html body;
        if (v.signature() == null) {
            body = Html.of("<p><span class=\"badge unsigned\" id=\"signature-state\">unsigned</span></p>"
                    + "<p class=\"hint\">{} uploaded it unsigned: ebpm installs it only from a hub added with --allow-unsigned.</p>",
                    v.publisher());
        } else {
            Fingerprint key = v.signature().key();
            body = Html.of("""
                    <p><span class="badge signed" id="signature-state">signed</span></p>
                    <dl class="facts"><dt>Signer key</dt><dd><span class="fingerprint" id="signer-fingerprint">{}</span>\
                    <div class="digest muted" id="signer-fingerprint-hex">{}</div></dd>
                    <dt>Manifest</dt><dd class="digest">sha256:{}</dd></dl>
                    <p class="hint">Verified by this hub when {} published it, against a key registered to that publisher;
                    ebpm verifies it again on install against the keys you trust (<code>ebpm key trust</code>).</p>
                    """, key.display(), key.hex(), v.signature().manifestSha256(), v.publisher());
        }
        return Html.of("<div class=\"card\" id=\"signature\"><h2>Signature</h2>{}<p class=\"hint\">Published by <a href=\"{}\">{}</a> on {}.</p></div>\n",
                body, publisherHref(v.publisher()), v.publisher(), date(v.publishedAt()));
    }

    private static Html digests(CatalogVersion v) {
        PackageManifest.FileEntry entry = v.manifest().files().get(v.entry());
        return Html.of("""
                <div class="card" id="digests"><h2>Digests</h2><dl class="facts">
                <dt>Archive</dt><dd><a class="digest" id="archive-digest" href="/blobs/sha256/{}">sha256:{}</a> <span class="muted">({} bytes)</span></dd>
                <dt>{}</dt><dd class="digest">sha256:{} <span class="muted">({} bytes)</span></dd>
                </dl></div>
                """, v.sha256(), v.sha256(), number(v.size()), v.entry(), v.entrySha256(), number(entry == null ? -1 : entry.size()));
    }

    private static Html fact(String name, Html value) {
        return Html.of("<dt>{}</dt><dd>{}</dd>", name, value);
    }

    private static Html kindBadge(PackageKind kind) {
        return kind == PackageKind.WASM ? Html.trusted("<span class=\"badge wasm\">WASM</span>") : Html.trusted("<span class=\"badge bpf\">eBPF</span>");
    }

    static String packageHref(String name) {
        return "/packages/" + name;
    }

    static String versionHref(String name, CatalogVersion v) {
        return "/packages/" + name + "/" + v.version();
    }

    static String publisherHref(String name) {
        return "/publishers/" + name;
    }

    /** The day of an ISO-8601 time. */
    private static String date(String isoTime) {
        return isoTime.length() >= 10 ? isoTime.substring(0, 10) : isoTime;
    }

    /** 1234567 → "1,234,567". */
    static String number(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        if (n < 0) b.append('-');
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) b.append(',');
            b.append(digits.charAt(i));
        }
        return b.toString();
    }
}
