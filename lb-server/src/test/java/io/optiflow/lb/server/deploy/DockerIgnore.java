package io.optiflow.lb.server.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code .dockerignore} with the builder's rules, as far as the tests need: one pattern a line ({@code *},
 * {@code ?}, {@code **}), {@code !} for an exception, the last matching line decides, and a pattern that matches a
 * folder matches everything in it.
 */
final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exclude) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        if (Files.exists(file)) {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean exclude = !line.startsWith("!");
                String glob = (exclude ? line : line.substring(1)).strip().replaceAll("^/+|/+$", "");
                rules.add(new Rule(Pattern.compile(regex(glob)), exclude));
            }
        }
        return new DockerIgnore(rules);
    }

    /** Whether the context path ({@code a/b/c}, relative, '/'-separated) is left out of the build context. */
    boolean excludes(String path) {
        boolean excluded = false;
        for (Rule r : rules) {
            if (matchesOrParentMatches(r.pattern(), path)) {
                excluded = r.exclude();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParentMatches(Pattern p, String path) {
        String candidate = path;
        while (true) {
            if (p.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static String regex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                sb.append(".*");
                i++;
            } else if (c == '*') {
                sb.append("[^/]*");
            } else if (c == '?') {
                sb.append("[^/]");
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }
}
