package dev.ebpm.web;

import java.util.ArrayList;
import java.util.List;

/**
 * A table in the pages' one table style ({@code table.grid}): a head row of text, body rows of {@link Html} cells, and
 * numeric columns right-aligned with tabular digits ({@code class="num"} on their cells). A script that appends rows
 * (events arriving live) gives its cells the same classes.
 */
public final class HtmlTable {
    private final String cssClass;
    private final List<String> headings;
    private final boolean[] numeric;
    private final List<Html> rows = new ArrayList<>();

    /** @param cssClass more classes beside {@code grid} (may be empty) */
    public HtmlTable(String cssClass, String... headings) {
        this.cssClass = cssClass;
        this.headings = List.of(headings);
        this.numeric = new boolean[headings.length];
    }

    /** Marks columns (from 0) as numbers. */
    public HtmlTable numeric(int... columns) {
        for (int c : columns) numeric[c] = true;
        return this;
    }

    public HtmlTable row(Html... cells) {
        return row("", cells);
    }

    /** A row with classes of its own (e.g. {@code yanked}). */
    public HtmlTable row(String rowClass, Html... cells) {
        if (cells.length != headings.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headings.size() + " columns " + headings);
        }
        StringBuilder b = new StringBuilder();
        b.append(rowClass.isEmpty() ? Html.trusted("<tr>") : Html.of("<tr class=\"{}\">", rowClass));
        for (int i = 0; i < cells.length; i++) b.append(Html.of(numeric[i] ? "<td class=\"num\">{}</td>" : "<td>{}</td>", cells[i]));
        rows.add(Html.trusted(b.append("</tr>\n").toString()));
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public Html render() {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < headings.size(); i++) {
            head.append(Html.of(numeric[i] ? "<th class=\"num\" scope=\"col\">{}</th>" : "<th scope=\"col\">{}</th>", headings.get(i)));
        }
        String classes = cssClass.isEmpty() ? "grid" : "grid " + cssClass;
        return Html.of("<table class=\"{}\"><thead><tr>{}</tr></thead>\n<tbody>\n{}</tbody></table>", classes,
                Html.trusted(head.toString()), Html.concat(rows));
    }
}
