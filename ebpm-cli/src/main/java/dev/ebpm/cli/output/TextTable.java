package dev.ebpm.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The tables ebpm prints: left-aligned columns separated by two spaces; the last column is not padded. */
public final class TextTable {
    private TextTable() {}

    public static void print(PrintStream out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] w = new int[header.size()];
        for (List<String> r : all) for (int i = 0; i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                b.append(r.get(i));
                if (i < r.size() - 1) b.append(" ".repeat(w[i] - r.get(i).length() + 2));
            }
            b.append('\n');
        }
        out.print(b);
        out.flush();
    }
}
