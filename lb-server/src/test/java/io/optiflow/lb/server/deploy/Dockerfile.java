package io.optiflow.lb.server.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read the way the builder reads it, as far as the tests need: line continuations joined, comments
 * dropped, one {@link Instruction} per instruction. ENV, VOLUME, EXPOSE and exec-form (JSON array) arguments are
 * parsed; anything else is kept as text.
 */
record Dockerfile(Path file, List<Instruction> instructions) {

    record Instruction(String keyword, String args) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue; // comments, also between continued lines, as the builder does
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String text = pending.toString().strip();
            pending.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            int space = text.indexOf(' ');
            out.add(new Instruction(text.substring(0, space < 0 ? text.length() : space).toUpperCase(Locale.ROOT),
                    space < 0 ? "" : text.substring(space + 1).strip()));
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException(file + ": ends inside a continued line");
        }
        return new Dockerfile(file, List.copyOf(out));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The arguments of the last instruction of that kind (the one in force), or null. */
    String last(String keyword) {
        List<Instruction> list = all(keyword);
        return list.isEmpty() ? null : list.get(list.size() - 1).args();
    }

    /** Every ENV variable, the last value in force. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : all("ENV")) {
            List<String> words = words(i.args());
            if (words.size() >= 2 && !words.get(0).contains("=")) { // legacy "ENV KEY value with spaces"
                env.put(words.get(0), i.args().substring(words.get(0).length()).strip());
                continue;
            }
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(file + ": ENV " + i.args() + ": '" + w + "' is not KEY=value");
                }
                env.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return env;
    }

    /** Every folder declared as a VOLUME. */
    List<String> volumes() {
        List<String> out = new ArrayList<>();
        for (Instruction i : all("VOLUME")) {
            out.addAll(i.args().startsWith("[") ? jsonArray(i.args()) : words(i.args()));
        }
        return out;
    }

    /** Every EXPOSEd port number (a /tcp suffix dropped). */
    List<Integer> exposedPorts() {
        List<Integer> out = new ArrayList<>();
        for (Instruction i : all("EXPOSE")) {
            for (String w : words(i.args())) {
                out.add(Integer.parseInt(w.replaceFirst("/tcp$", "")));
            }
        }
        return out;
    }

    /** Sources and destination of each COPY or ADD from the build context (not --from another stage). */
    List<List<String>> copies() {
        List<List<String>> out = new ArrayList<>();
        for (Instruction i : instructions) {
            if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) {
                continue;
            }
            List<String> w = new ArrayList<>(i.args().startsWith("[") ? jsonArray(i.args()) : words(i.args()));
            if (w.stream().anyMatch(x -> x.startsWith("--from="))) {
                continue;
            }
            w.removeIf(x -> x.startsWith("--"));
            out.add(List.copyOf(w));
        }
        return out;
    }

    /** A JSON array of strings, as in an exec-form ENTRYPOINT; null when the text is not one (shell form). */
    static List<String> jsonArray(String text) {
        String t = text.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        String body = t.substring(1, t.length() - 1).strip();
        int i = 0;
        while (i < body.length()) {
            if (body.charAt(i) != '"') {
                throw new IllegalArgumentException("not a JSON array of strings: " + text);
            }
            StringBuilder s = new StringBuilder();
            i++;
            while (body.charAt(i) != '"') {
                if (body.charAt(i) == '\\') {
                    i++;
                }
                s.append(body.charAt(i++));
            }
            out.add(s.toString());
            i++;
            while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
                i++;
            }
        }
        return out;
    }

    /** Words split on blanks, double quotes grouping (and removed). */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }
}
