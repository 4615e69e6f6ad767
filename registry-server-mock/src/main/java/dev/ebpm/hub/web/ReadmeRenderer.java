package dev.ebpm.hub.web;

import dev.ebpm.web.Html;
import dev.ebpm.web.SafeUrl;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A package's README.md as HTML that cannot run anything: CommonMark (commonmark-java) with raw HTML shown as text
 * rather than passed through, and link and image targets limited to what {@link SafeUrl} allows (others lose their
 * {@code href}/{@code src}). READMEs never change under a digest, so the last few rendered are kept by it.
 */
public final class ReadmeRenderer {
    private static final int KEPT = 64;

    // both are immutable and safe to share between threads
    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .escapeHtml(true)
            .attributeProviderFactory(context -> new LinkTargets())
            .build();

    private final Map<String, Html> rendered = new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Html> eldest) {
            return size() > KEPT;
        }
    };

    /** @param sha256 the README's digest, under which its rendering is kept */
    public Html render(String sha256, byte[] markdown) {
        synchronized (rendered) {
            Html kept = rendered.get(sha256);
            if (kept != null) return kept;
        }
        Html html = render(new String(markdown, StandardCharsets.UTF_8));
        synchronized (rendered) {
            rendered.put(sha256, html);
        }
        return html;
    }

    /** Renders Markdown text. */
    static Html render(String markdown) {
        Node doc = PARSER.parse(markdown);
        return Html.trusted(RENDERER.render(doc));
    }

    /** Keeps a link's or image's target only when it is safe; links to elsewhere get no referrer and no opener. */
    private static final class LinkTargets implements AttributeProvider {
        @Override
        public void setAttributes(Node node, String tagName, Map<String, String> attributes) {
            String attribute = switch (tagName) {
                case "a" -> "href";
                case "img" -> "src";
                default -> null;
            };
            if (attribute == null) return;
            Optional<String> safe = SafeUrl.check(attributes.get(attribute));
            if (safe.isEmpty()) {
                attributes.remove(attribute);
                return;
            }
            attributes.put(attribute, safe.get());
            if (tagName.equals("a")) attributes.put("rel", "nofollow noopener noreferrer");
        }
    }
}
