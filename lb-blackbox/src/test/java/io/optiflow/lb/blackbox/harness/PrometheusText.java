package io.optiflow.lb.blackbox.harness;

import java.util.ArrayList;
import java.util.List;

/** The series of one {@code /q/metrics} scrape (Prometheus text format), for counting and reading values. */
public final class PrometheusText {

    private final List<String> series = new ArrayList<>();

    private PrometheusText(String text) {
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                series.add(line);
            }
        }
    }

    /** Scrapes the admin plane as {@code admin}'s user. */
    public static PrometheusText scrape(AdminApi admin) {
        return new PrometheusText(admin.ok("GET", "/q/metrics", null, 200).body());
    }

    /** Every series (one line each: name, labels, value). */
    public int size() {
        return series.size();
    }

    /** The series (name and labels, no value) that {@code other} has and this scrape has not. */
    public List<String> missingFrom(PrometheusText other) {
        java.util.Set<String> mine = new java.util.HashSet<>();
        for (String l : series) {
            mine.add(l.substring(0, l.lastIndexOf(' ')));
        }
        List<String> out = new ArrayList<>();
        for (String l : other.series) {
            String key = l.substring(0, l.lastIndexOf(' '));
            if (!mine.contains(key)) {
                out.add(key);
            }
        }
        return out;
    }

    /** Series whose name starts with {@code prefix} and whose labels contain every one of {@code labels}. */
    public int count(String prefix, String... labels) {
        int n = 0;
        for (String s : series) {
            if (s.startsWith(prefix) && containsAll(s, labels)) {
                n++;
            }
        }
        return n;
    }

    /** Sum of the values of the series {@link #count} would count. */
    public double sum(String prefix, String... labels) {
        double sum = 0;
        for (String s : series) {
            if (s.startsWith(prefix) && containsAll(s, labels)) {
                sum += Double.parseDouble(s.substring(s.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static boolean containsAll(String s, String[] labels) {
        for (String l : labels) {
            if (!s.contains(l)) {
                return false;
            }
        }
        return true;
    }
}
