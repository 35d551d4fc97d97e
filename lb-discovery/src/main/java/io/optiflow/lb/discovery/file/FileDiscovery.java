package io.optiflow.lb.discovery.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.discovery.DiscoveredInstance;
import io.optiflow.lb.discovery.DiscoveryListener;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls one file. A content that differs from the last applied one is applied only when the next read finds the
 * same bytes (a writer still busy changes them between reads); bytes that do not parse are reported once per
 * distinct content and keep the last good set.
 */
final class FileDiscovery implements ServiceDiscovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String service;
    private final Path path;
    private final long pollNanos;
    private final ScheduledExecutorService thread;
    private DiscoveryListener listener; // the poll thread's
    private byte[] applied; // last content reported (good or bad)
    private byte[] seen; // last content read

    FileDiscovery(String service, Path path, long pollNanos) {
        this.service = service;
        this.path = path;
        this.pollNanos = pollNanos;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-discovery-file-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String describe() {
        return path.toAbsolutePath().toString();
    }

    @Override
    public void start(DiscoveryListener l) {
        thread.execute(() -> {
            listener = l;
            readNow(true);
        });
        thread.scheduleWithFixedDelay(() -> readNow(false), pollNanos, pollNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private void readNow(boolean first) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            bytes = null;
        } catch (IOException | RuntimeException e) {
            listener.onError(path + ": cannot read (" + e + ")");
            return;
        }
        if (bytes == null) {
            if (applied != MISSING) {
                applied = MISSING;
                listener.onError(path + ": no such file");
            }
            seen = null;
            return;
        }
        boolean stable = first || (seen != null && Arrays.equals(seen, bytes));
        seen = bytes;
        if (!stable || (applied != null && Arrays.equals(applied, bytes))) {
            return;
        }
        applied = bytes;
        List<DiscoveredInstance> instances;
        try {
            instances = parse(path, bytes);
        } catch (IllegalArgumentException e) {
            listener.onError(e.getMessage());
            return;
        }
        listener.onInstances(instances);
    }

    private static final byte[] MISSING = new byte[0];

    /** Reads a list of {url, weight} (or an object with it under "backends"), JSON or YAML by content. */
    static List<DiscoveredInstance> parse(Path path, byte[] bytes) {
        JsonNode root;
        try {
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).trim();
            boolean json = text.startsWith("[") || text.startsWith("{");
            root = (json ? JSON : YAML).readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": not valid JSON or YAML (" + firstLine(e.getMessage())
                    + "); keeping the last good set");
        }
        if (root != null && root.isObject() && root.has("backends")) {
            root = root.get("backends");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(path + ": top level is " + root.getNodeType()
                    + " (expected: a list of {\"url\": \"http://host:port\", \"weight\": 1})");
        }
        List<DiscoveredInstance> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            String at = path + "[" + i++ + "]";
            JsonNode url = n.isTextual() ? n : n.get("url");
            if (url == null || !url.isTextual()) {
                throw new IllegalArgumentException(at + ".url: " + url + " (expected: \"http://host:port\")");
            }
            BackendSpec spec;
            try {
                spec = BackendSpec.parse(url.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ".url: " + e.getMessage());
            }
            int weight = spec.weight();
            JsonNode w = n.isObject() ? n.get("weight") : null;
            if (w != null && !w.isNull()) {
                if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 1 || w.asInt() > 10_000) {
                    throw new IllegalArgumentException(at + ".weight: " + w + " (expected: an integer from 1 to 10000)");
                }
                weight = w.asInt();
            }
            Map<String, String> labels = Map.of();
            JsonNode zone = n.isObject() ? n.get("zone") : null;
            if (zone != null && zone.isTextual()) {
                labels = Map.of("zone", zone.asText());
            }
            out.add(new DiscoveredInstance(spec.scheme(), spec.host(), spec.port(), weight, labels));
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
