package dev.ebpm.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.web.Html;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ReadmeRendererTest {
    @Test
    void markdownRendersAsUsual() {
        assertEquals("<h1>sigsnoop</h1>\n<p>Traces <strong>signals</strong>, see <a href=\"https://ebpm.dev/x?a=1&amp;b=2\" "
                + "rel=\"nofollow noopener noreferrer\">docs</a> and <a href=\"usage.md#run\" rel=\"nofollow noopener noreferrer\">usage</a>.</p>\n"
                + "<pre><code class=\"language-sh\">ebpm run sigsnoop -s 9\n</code></pre>\n"
                + "<p><img src=\"https://ebpm.dev/logo.png\" alt=\"logo\" /></p>\n",
                ReadmeRenderer.render("# sigsnoop\n\nTraces **signals**, see [docs](https://ebpm.dev/x?a=1&b=2) and [usage](usage.md#run).\n\n"
                        + "```sh\nebpm run sigsnoop -s 9\n```\n\n![logo](https://ebpm.dev/logo.png)\n").toString());
    }

    @Test
    void rawHtmlIsShownAsTextAndScriptLinksLoseTheirTarget() {
        String[] hostile = {
            "<script>window.__pwned = 1</script>",
            "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
            "<img src=x onerror=\"window.__pwned = 2\">",
            "<a href=\"javascript:alert(1)\">raw link</a>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<svg onload=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](java&#x09;script:alert(1))",
            "[click]( javascript:alert(1) )",
            "[click](<javascript:alert(1)>)",
            "[ref][x]\n\n[x]: javascript:alert(1)",
            "<javascript:alert(1)>",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[vb](vbscript:msgbox(1))",
            "![img](javascript:alert(1))",
            "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "[title](https://ok.example \"x\\\" onmouseover=\\\"alert(1)\")",
            "<div>\n<p onclick=\"alert(1)\">block html</p>\n</div>",
            "```html\n<script>alert(1)</script>\n```",
        };
        for (String md : hostile) {
            String html = ReadmeRenderer.render(md).toString();
            String lower = html.toLowerCase(Locale.ROOT);
            assertFalse(lower.contains("<script"), md + " → " + html);
            assertFalse(lower.contains("<iframe") || lower.contains("<svg") || lower.contains("<div"), md + " → " + html);
            assertFalse(lower.contains("href=\"javascript") || lower.contains("href=\"java\tscript") || lower.contains("src=\"javascript"), md + " → " + html);
            assertFalse(lower.contains("href=\"data:") || lower.contains("src=\"data:") || lower.contains("href=\"vbscript"), md + " → " + html);
            // an event handler could only be an attribute of a tag the renderer wrote (every '<' of the text is escaped)
            assertTrue(attributeNames(html).stream().noneMatch(a -> a.startsWith("on")), md + " → " + html);
        }
        assertEquals("<p>&lt;script&gt;window.__pwned = 1&lt;/script&gt;</p>\n", ReadmeRenderer.render(hostile[0]).toString());
        assertEquals("<p><a>click</a></p>\n", ReadmeRenderer.render("[click](javascript:alert(1))").toString());
    }

    /** The attribute names of every tag, values being double-quoted with their quotes escaped (as the renderer writes them). */
    static java.util.List<String> attributeNames(String html) {
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.regex.Matcher tag = java.util.regex.Pattern.compile("<[a-zA-Z][a-zA-Z0-9]*((?:\\s+[^\\s=/>]+(?:=\"[^\"]*\")?)*)\\s*/?>").matcher(html);
        while (tag.find()) {
            java.util.regex.Matcher attr = java.util.regex.Pattern.compile("\\s+([^\\s=/>]+)(?:=\"[^\"]*\")?").matcher(tag.group(1));
            while (attr.find()) names.add(attr.group(1).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @Test
    void theAttributeReaderSeesHandlers() {
        assertEquals(java.util.List.of("href", "onclick", "title"), attributeNames("<p><a href=\"x\" onclick=\"y\" title=\"a onload=&quot;\">t</a></p>"));
    }

    @Test
    void aRenderingIsKeptByTheReadmeDigest() {
        ReadmeRenderer r = new ReadmeRenderer();
        Html first = r.render("d1", "# one".getBytes(StandardCharsets.UTF_8));
        assertSame(first, r.render("d1", "# other bytes are never asked for under the same digest".getBytes(StandardCharsets.UTF_8)));
        assertTrue(r.render("d2", "# two".getBytes(StandardCharsets.UTF_8)).toString().contains("<h1>two</h1>"));
    }
}
