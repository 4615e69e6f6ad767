package dev.ebpm.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The document around every ebpm page: head, header bar, main, footer, and one stylesheet ({@link #STYLESHEET}, which
 * each server serves at its path). Pages load nothing from elsewhere: no CDN, no web fonts (the
 * system's fonts), and the {@link #HEADERS} tell the browser so.
 */
public final class PageShell {
    public static final String CONTENT_TYPE = "text/html; charset=utf-8";

    /**
     * Sent with every page: scripts, styles and fetches from the page's own server only, no inline script or style, no
     * frames, forms posting back to the same server. A sanitiser miss therefore still cannot run script.
     */
    public static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:;"
                    + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "same-origin");

    /** The pages' stylesheet. */
    public static final Asset STYLESHEET = Asset.load(PageShell.class, "ebpm.css", "text/css; charset=utf-8");

    private PageShell() {
    }

    /**
     * One page.
     *
     * @param title   the document title (text)
     * @param header  what the header bar holds after the brand (a search form, buttons)
     * @param scripts scripts loaded at the end (deferred); the page must read fine without them
     */
    public record Page(String title, Html header, Html main, Html footer, List<Asset> scripts) {}

    /** The whole document, UTF-8. {@code brand} and {@code brandHref} name the site in the header bar. */
    public static byte[] render(String brand, String brandHref, Page page) {
        StringBuilder scripts = new StringBuilder();
        for (Asset s : page.scripts()) scripts.append(Html.of("<script src=\"{}\" defer></script>\n", s.path()));
        Html doc = Html.of("""
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{}</title>
                <link rel="stylesheet" href="{}">
                </head>
                <body>
                <header class="top"><div class="wrap">
                <a class="brand" href="{}">{}{}</a>
                {}
                </div></header>
                <main class="wrap">
                {}
                </main>
                <footer class="wrap">{}</footer>
                {}</body>
                </html>
                """, page.title(), STYLESHEET.path(), brandHref, LOGO, brand, page.header(), page.main(), page.footer(),
                Html.trusted(scripts.toString()));
        return doc.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A hexagon, drawn inline: a picture without a request. */
    private static final Html LOGO = Html.trusted("<svg class=\"logo\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">"
            + "<path d=\"M12 1.5 21.5 7v10L12 22.5 2.5 17V7z\"/><path class=\"cell\" d=\"M12 7.5 16 9.8v4.4L12 16.5 8 14.2V9.8z\"/></svg>");
}
