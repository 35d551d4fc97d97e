package io.optiflow.lb.bench.scorecard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scorecard's command line, parsed once. A bad argument is an {@link IllegalArgumentException} whose message
 * says what was wrong and what would be right; nothing has run by then.
 *
 * @param strategy the strategy's name
 * @param plugin   the plug-in JAR that offers it, or {@code null} for a strategy on the class path (a built-in)
 * @param config   its raw config, key to value, as given
 * @param out      where the report goes; {@code null} for standard output
 * @param seeds    how many of the simulator's seeds each scenario runs (1 to 5)
 * @param jmh      how the pick cost is measured
 * @param command  the arguments as given, for the report
 */
record ScorecardArgs(String strategy, Path plugin, Map<String, String> config, Path out, int seeds, JmhMode jmh,
                     List<String> command) {

    /** How long JMH measures. */
    enum JmhMode {
        /** A forked JVM, 3 x 1 s warm-up, 5 x 1 s measured: figures worth comparing (about 10 s a row). */
        FULL,
        /** A forked JVM, 1 x 0.1 s warm-up, 2 x 0.1 s measured: a smoke test; the figures are rough. */
        QUICK,
        /** No JMH run. */
        OFF
    }

    static final String USAGE = """
            usage: java -jar lb-bench/target/lb-scorecard.jar --strategy NAME [--plugin JAR] [--config KEY=VALUE]...
                                                              [--out FILE] [--seeds 1-5] [--jmh full|quick|off] [--quick]
              --strategy NAME     the strategy to score (a built-in, or one the plug-in JAR offers)
              --plugin JAR        the plug-in JAR offering it, loaded as the server loads plug-ins
              --config KEY=VALUE  one config attribute of the strategy; repeat for more (default: its defaults)
              --out FILE          where to write the Markdown report (default: scorecard-NAME.md; - for standard output)
              --seeds N           seeds per scenario, 1 to 5 (default: 5, as docs/simulation.md)
              --jmh MODE          pick cost: full (default, about 40 s), quick (rough, about 5 s) or off
              --quick             the same as --seeds 1 --jmh quick: a fast, rough run
            """;

    static ScorecardArgs parse(String... args) {
        String strategy = null;
        Path plugin = null;
        Map<String, String> config = new LinkedHashMap<>();
        Path out = null;
        boolean outGiven = false;
        int seeds = 5;
        JmhMode jmh = JmhMode.FULL;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--strategy" -> strategy = value(args, ++i, a);
                case "--plugin" -> plugin = Path.of(value(args, ++i, a));
                case "--config" -> {
                    String kv = value(args, ++i, a);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--config: '" + kv + "' (expected: KEY=VALUE, such as"
                                + " --config decay=2s)");
                    }
                    String key = kv.substring(0, eq).trim();
                    if (config.containsKey(key)) {
                        throw new IllegalArgumentException("--config: '" + key + "' given twice (expected: each key"
                                + " once)");
                    }
                    config.put(key, kv.substring(eq + 1).trim());
                }
                case "--out" -> {
                    String v = value(args, ++i, a);
                    out = v.equals("-") ? null : Path.of(v);
                    outGiven = true;
                }
                case "--seeds" -> seeds = seeds(value(args, ++i, a));
                case "--jmh" -> jmh = jmh(value(args, ++i, a));
                case "--quick" -> {
                    seeds = 1;
                    jmh = JmhMode.QUICK;
                }
                default -> throw new IllegalArgumentException("'" + a + "': unknown argument (expected: one of"
                        + " --strategy, --plugin, --config, --out, --seeds, --jmh, --quick)");
            }
        }
        if (strategy == null || strategy.isBlank()) {
            throw new IllegalArgumentException("--strategy: missing (expected: the name of the strategy to score,"
                    + " such as --strategy zone-aware)");
        }
        if (plugin != null && !Files.isRegularFile(plugin)) {
            throw new IllegalArgumentException("--plugin: '" + plugin + "' is not a file (expected: the plug-in's"
                    + " JAR, such as target/my-strategy-1.0.jar; build it first)");
        }
        if (plugin != null && !plugin.getFileName().toString().endsWith(".jar")) {
            throw new IllegalArgumentException("--plugin: '" + plugin + "' (expected: a .jar file, as the server"
                    + " loads only *.jar from its plug-ins folder)");
        }
        if (!outGiven) {
            out = Path.of("scorecard-" + strategy + ".md");
        }
        return new ScorecardArgs(strategy, plugin, Map.copyOf(config), out, seeds, jmh, List.of(args));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + ": no value (expected: " + flag + " followed by a value)");
        }
        return args[i];
    }

    private static int seeds(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 5) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--seeds: '" + v + "' (expected: a whole number from 1 to 5)");
    }

    private static JmhMode jmh(String v) {
        for (JmhMode m : JmhMode.values()) {
            if (m.name().equalsIgnoreCase(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--jmh: '" + v + "' (expected: full, quick or off)");
    }

    /** The config as {@code key=value} words, sorted, or "defaults". */
    String configText() {
        if (config.isEmpty()) {
            return "defaults";
        }
        List<String> kv = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            kv.add(e.getKey() + "=" + e.getValue());
        }
        return String.join(", ", kv);
    }
}
