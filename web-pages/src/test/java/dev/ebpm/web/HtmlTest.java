package dev.ebpm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapeLeavesNoWayOutOfTextOrAQuotedAttribute() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;amp; &quot;q&quot;",
                Html.escape("<script>alert('x')</script> &amp; \"q\""));
        assertEquals("plain text stays the same object", Html.escape("plain text stays the same object"));
        assertEquals("", Html.escape(null));
        assertEquals("ünïcödé ✓", Html.escape("ünïcödé ✓"));
    }

    @Test
    void templatesEscapeDataAndKeepHtml() {
        Html inner = Html.of("<b>{}</b>", "<i>");
        assertEquals("<b>&lt;i&gt;</b>", inner.toString());
        Html outer = Html.of("<p title=\"{}\">{} {} {}</p>", "\" onmouseover=\"x", inner, 42, null);
        assertEquals("<p title=\"&quot; onmouseover=&quot;x\"><b>&lt;i&gt;</b> 42 </p>", outer.toString());
        assertEquals("<a>&lt;</a><a>&gt;</a>", Html.concat(List.of(Html.of("<a>{}</a>", "<"), Html.of("<a>{}</a>", ">"))).toString());
    }

    @Test
    void aTemplateAndItsArgumentsMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> Html.of("<p>{}</p>"));
        assertThrows(IllegalArgumentException.class, () -> Html.of("<p>{}</p>", "a", "b"));
    }

    @Test
    void tablesEscapeHeadingsAndMarkNumericColumns() {
        HtmlTable t = new HtmlTable("events", "PID", "<COMM>").numeric(0);
        assertTrue(t.isEmpty());
        t.row(Html.text("42"), Html.text("<sh>"));
        t.row("yanked", Html.text("7"), Html.text("x"));
        String html = t.render().toString();
        assertTrue(html.startsWith("<table class=\"grid events\"><thead><tr><th class=\"num\" scope=\"col\">PID</th><th scope=\"col\">&lt;COMM&gt;</th>"), html);
        assertTrue(html.contains("<tr><td class=\"num\">42</td><td>&lt;sh&gt;</td></tr>"), html);
        assertTrue(html.contains("<tr class=\"yanked\"><td class=\"num\">7</td>"), html);
        assertThrows(IllegalArgumentException.class, () -> t.row(Html.text("only one")));
    }

    @Test
    void theShellLinksItsStylesheetAndNothingFromElsewhere() {
        String page = new String(PageShell.render("ebpm <hub>", "/", new PageShell.Page("a <title>", Html.text("head"),
                Html.of("<p>{}</p>", "body"), Html.text("foot"), List.of(new Asset("/assets/x.js", "text/javascript", new byte[0])))),
                StandardCharsets.UTF_8);
        assertTrue(page.startsWith("<!doctype html>"), page);
        assertTrue(page.contains("<title>a &lt;title&gt;</title>"), page);
        assertTrue(page.contains("<link rel=\"stylesheet\" href=\"" + PageShell.STYLESHEET.path() + "\">"), page);
        assertTrue(PageShell.STYLESHEET.path().matches("/assets/ebpm-[0-9a-f]{12}\\.css"), PageShell.STYLESHEET.path());
        assertEquals(PageShell.STYLESHEET.path().substring("/assets/".length()), PageShell.STYLESHEET.fileName());
        assertTrue(page.contains("ebpm &lt;hub&gt;</a>"), page);
        assertTrue(page.contains("<script src=\"/assets/x.js\" defer></script>"), page);
        assertFalse(page.contains("http://") || page.contains("https://"), "the shell references another origin");
        String css = new String(PageShell.STYLESHEET.bytes(), StandardCharsets.UTF_8);
        assertTrue(css.contains("table.grid"));
        assertFalse(css.contains("@import") || css.contains("url("), "the stylesheet loads something");
        assertTrue(PageShell.HEADERS.get("Content-Security-Policy").contains("script-src 'self'"));
    }
}
