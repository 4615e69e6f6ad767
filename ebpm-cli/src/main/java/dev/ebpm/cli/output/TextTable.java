package dev.ebpm.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The tables ebpm prints: left-aligned columns separated by two spaces; the last column is not padded. */
public final class TextTable {
    private TextTable() {}

    public static void print(PrintStream out, List<String> header, List<List<String>> rows) {
        print(out, header, rows, Integer.MAX_VALUE);
    }

    /**
     * The same, each line at most {@code width} characters: the last column is cut, ending in an ellipsis, where it
     * would run past (it keeps at least 8 characters, so a narrow terminal still shows its start).
     */
    public static void print(PrintStream out, List<String> header, List<List<String>> rows, int width) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] w = new int[header.size()];
        for (List<String> r : all) for (int i = 0; i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        int before = 0;
        for (int i = 0; i < w.length - 1; i++) before += w[i] + 2;
        int last = Math.max(8, width - before);
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                if (i == r.size() - 1 && cell.length() > last) cell = cell.substring(0, last - 1) + "\u2026";
                b.append(cell);
                if (i < r.size() - 1) b.append(" ".repeat(w[i] - r.get(i).length() + 2));
            }
            b.append('\n');
        }
        out.print(b);
        out.flush();
    }
}
