package io.optiflow.lb.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Consul's health endpoint as the tests need it (Debian has no Consul): {@code GET /v1/health/service/<name>}
 * answered with entries shaped like a real agent's answer (the template {@code consul/health-service-entry.json},
 * copied per instance), with Consul's blocking-query semantics: every answer carries {@code X-Consul-Index}; a
 * query with {@code index} equal to the current one waits until the instances change or {@code wait} passes
 * (default 5 min, as Consul); {@code passing} leaves out instances whose checks are not all passing; {@code tag}
 * keeps those with that tag; a wrong {@code X-Consul-Token} gets Consul's 403. {@link #breakDown()} makes it
 * answer 500 {@code No cluster leader}, as an agent without a leader does, waking the queries that wait.
 */
final class RecordedConsul implements AutoCloseable {

    static final String TOKEN = "test-consul-token";

    /** One registered instance: its health status ({@code passing}, {@code critical}) and tags. */
    record Instance(TestBackend backend, String status, List<String> tags) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recorded-consul");
        t.setDaemon(true);
        return t;
    });
    private final JsonNode template;
    private final Map<String, List<Instance>> services = new HashMap<>();
    private long index = 100;
    private boolean broken;
    private int queries;

    RecordedConsul() throws IOException {
        try (InputStream in = RecordedConsul.class.getResourceAsStream("/consul/health-service-entry.json")) {
            template = JSON.readTree(in);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/v1/health/service/", this::health);
        server.start();
    }

    /** {@code 127.0.0.1:port}, for {@code discovery.address}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets a service's instances (a new index; waiting queries answer) and mends a broken agent. */
    synchronized void set(String service, List<Instance> instances) {
        services.put(service, List.copyOf(instances));
        broken = false;
        index++;
        notifyAll();
    }

    /** From now on every query gets 500 {@code No cluster leader}, waiting ones too. */
    synchronized void breakDown() {
        broken = true;
        notifyAll();
    }

    /** Queries answered so far (blocking ones count when they answer). */
    synchronized int queries() {
        return queries;
    }

    private void health(HttpExchange ex) throws IOException {
        try {
            String service = ex.getRequestURI().getPath().substring("/v1/health/service/".length());
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (!TOKEN.equals(ex.getRequestHeaders().getFirst("X-Consul-Token"))) {
                send(ex, 403, "text/plain", "ACL not found", -1);
                return;
            }
            long[] at = new long[1];
            List<Instance> instances = await(service, q, at);
            if (instances == null) {
                send(ex, 500, "text/plain", "No cluster leader", -1);
                return;
            }
            ArrayNode out = JSON.createArrayNode();
            for (Instance i : instances) {
                boolean passing = i.status().equals("passing");
                if ((q.containsKey("passing") && !passing && !"false".equals(q.get("passing")))
                        || (q.containsKey("tag") && !i.tags().contains(q.get("tag")))) {
                    continue;
                }
                out.add(entry(service, i));
            }
            send(ex, 200, "application/json", JSON.writeValueAsString(out), at[0]);
        } finally {
            ex.close();
        }
    }

    /** The instances once the index moved past {@code index} (or at once), or null when broken. */
    private synchronized List<Instance> await(String service, Map<String, String> q, long[] at)
            throws IOException {
        long asked = q.containsKey("index") ? Long.parseLong(q.get("index")) : 0;
        long deadline = System.nanoTime() + waitNanos(q.get("wait"));
        try {
            while (!broken && asked == index && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        queries++;
        at[0] = index;
        return broken ? null : services.getOrDefault(service, List.of());
    }

    private ObjectNode entry(String service, Instance i) {
        String[] hostPort = i.backend().id().split(":");
        String id = service + "-" + hostPort[1];
        String text = template.toString().replace("SERVICE_ID", id).replace("SERVICE", service)
                .replace("ADDRESS", hostPort[0]).replace("NODE", "node-" + hostPort[1])
                .replace("STATUS", i.status()).replace("WEIGHT", "1");
        try {
            ObjectNode e = (ObjectNode) JSON.readTree(text);
            ObjectNode s = (ObjectNode) e.get("Service");
            s.put("Port", Integer.parseInt(hostPort[1]));
            ArrayNode tags = JSON.createArrayNode();
            i.tags().forEach(tags::add);
            s.set("Tags", tags);
            ((ObjectNode) e.get("Checks").get(1)).set("ServiceTags", tags.deepCopy());
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static long waitNanos(String wait) {
        if (wait == null) {
            return TimeUnit.MINUTES.toNanos(5);
        }
        if (wait.endsWith("ms")) {
            return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(wait.substring(0, wait.length() - 2)));
        }
        long n = Long.parseLong(wait.substring(0, wait.length() - 1));
        return wait.endsWith("m") ? TimeUnit.MINUTES.toNanos(n) : TimeUnit.SECONDS.toNanos(n);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            q.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, String type, String body, long index) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (index >= 0) {
            ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
            ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
            ex.getResponseHeaders().set("X-Consul-Lastcontact", "0");
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            broken = true;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /** Passing instances with tag {@code primary}. */
    static List<Instance> passing(List<TestBackend> backends) {
        List<Instance> out = new ArrayList<>();
        for (TestBackend b : backends) {
            out.add(new Instance(b, "passing", List.of("primary")));
        }
        return out;
    }
}
