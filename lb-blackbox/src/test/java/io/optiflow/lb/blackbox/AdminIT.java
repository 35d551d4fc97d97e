package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.optiflow.lb.blackbox.harness.AdminApi;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.IdBackend;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.TempDirs;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin plane against an attacker: every path refuses no credentials, wrong credentials and an unknown user;
 * every change refuses a viewer; the data plane serves no admin path; a browser on another site cannot change
 * anything (JSON only, no CORS); wrong passwords are throttled without starving the admin plane; a generated
 * password is printed once and never again. The list of API paths comes from the server's own OpenAPI document, so
 * an endpoint added later is covered without editing this test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminIT {

    /**
     * Paths outside the REST API that need Basic credentials too. (The dashboard's own pages log in through a form
     * and show nothing before it; a browser test in lb-server, DashboardLoginTest, covers them.)
     */
    private static final List<String> OTHER_PATHS = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/metrics", "/q/openapi", "/q/no-such-thing", "/api/v1/no-such-resource");

    private static Fixture fixture;
    private static IdBackend backend;
    private static LbProcess lb;
    private static List<Endpoint> endpoints;
    /** Each wrong login below comes from an address of its own, so the throttle (tested apart) stays out of it. */
    private static int nextSource = 1;

    /** One method on one path, with a valid body for changes. */
    private record Endpoint(String method, String path, String body) {
        boolean isChange() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fixture = Fixture.create("admin-it");
        backend = fixture.add(IdBackend.start());
        // One service on "/" takes every path the data plane gets, admin-looking ones included.
        lb = fixture.add(fixture.server().property("lb.services.web.backends", backend.url())
                .property("lb.services.web.health.enabled", "false").start());
        endpoints = endpointsFromOpenApi(lb.admin().json("/q/openapi?format=json"), backend.id());
        assertTrue(endpoints.size() >= 11, "the OpenAPI document lists too few endpoints: " + endpoints);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void everyAdminPath_withoutCredentials_is401WithABasicChallenge() throws Exception {
        for (Endpoint e : allEndpoints()) {
            RawHttp.Response r = raw(null, e, null);
            assertEquals(401, r.status(), e + ": " + r);
            assertTrue(String.valueOf(r.header("WWW-Authenticate")).toLowerCase().startsWith("basic"), e + ": " + r);
        }
        System.out.printf("AdminIT: %d admin endpoints without credentials: each 401%n", allEndpoints().size());
    }

    @Test
    void everyAdminPath_withAWrongPasswordOrAnUnknownUser_is401() throws Exception {
        for (Endpoint e : allEndpoints()) {
            assertEquals(401, raw(nextSource(), e, basic(LbProcess.OPERATOR, "wrong")).status(), e.toString());
            assertEquals(401, raw(nextSource(), e, basic(LbProcess.VIEWER, LbProcess.OPERATOR_PASSWORD)).status(),
                    e.toString());
            assertEquals(401, raw(nextSource(), e, basic("nobody", LbProcess.OPERATOR_PASSWORD)).status(),
                    e.toString());
            assertEquals(401, raw(nextSource(), e, "Bearer " + LbProcess.OPERATOR_PASSWORD).status(), e.toString());
        }
        System.out.printf("AdminIT: %d admin endpoints x 4 wrong credentials: each 401%n", allEndpoints().size());
    }

    @Test
    void everyChange_asViewer_is403AndNothingChanges() throws Exception {
        String before = stableView();
        int changes = 0;
        for (Endpoint e : endpoints) {
            if (e.isChange()) {
                changes++;
                RawHttp.Response r = raw(null, e, basic(LbProcess.VIEWER, LbProcess.VIEWER_PASSWORD));
                assertEquals(403, r.status(), e + ": " + r);
            }
        }
        assertTrue(changes >= 6, "too few change endpoints in the OpenAPI document: " + endpoints);
        System.out.printf("AdminIT: %d changes as a viewer: each 403, nothing changed%n", changes);
        assertEquals(before, stableView());
        for (JsonNode entry : lb.admin().json("/api/v1/audit?limit=1000")) {
            assertFalse(entry.get("actor").asText().equals(LbProcess.VIEWER), "a viewer's change was audited: " + entry);
        }
    }

    @Test
    void everyRead_asViewer_isServed() throws Exception {
        for (Endpoint e : endpoints) {
            if (!e.isChange()) {
                RawHttp.Response r = raw(null, e, basic(LbProcess.VIEWER, LbProcess.VIEWER_PASSWORD));
                assertEquals(200, r.status(), e + ": " + r);
            }
        }
    }

    @Test
    void dataPlane_givenEveryAdminPathEvenWithCredentials_forwardsItToTheBackend() throws Exception {
        long before = backend.requests();
        int sent = 0;
        for (Endpoint e : allEndpoints()) {
            if (!e.method().equals("GET")) {
                continue; // reads are enough to show what answers; changes go to the backend just the same
            }
            try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
                c.send("GET " + e.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + lb.adminPort() + "\r\nAuthorization: "
                        + basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD) + "\r\nConnection: close\r\n\r\n");
                RawHttp.Response r = c.read("GET");
                assertEquals(200, r.status(), e + " on the data plane: " + r);
                assertEquals(backend.id(), r.bodyText(), e + " on the data plane was not answered by the backend");
                assertNull(r.header("WWW-Authenticate"), e + ": " + r);
                sent++;
            }
        }
        assertEquals(before + sent, backend.requests());
    }

    @Test
    void formPost_fromAnotherSiteWithTheOperatorsCredentials_isRefusedAndChangesNothing() throws Exception {
        String before = stableView();
        String operator = basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD);
        String json = "{\"url\": \"http://127.0.0.1:9\"}";
        // What a hostile page can make a browser send without a preflight: the three "simple" content types.
        for (String type : List.of("application/x-www-form-urlencoded", "text/plain",
                "multipart/form-data; boundary=b")) {
            RawHttp.Response r = request(null, "POST", "/api/v1/services/web/backends", operator,
                    Map.of("Content-Type", type, "Origin", "http://evil.example"), json);
            assertTrue(r.status() == 403 || r.status() == 415, type + ": " + r);
            r = request(null, "POST", "/api/v1/services/web/backends", operator, Map.of("Content-Type", type), json);
            assertEquals(415, r.status(), type + " without Origin: " + r);
        }
        // A form post without fields: the reset endpoint takes no body; the browser's Origin gives it away.
        RawHttp.Response reset = request(null, "POST", "/api/v1/services/web/backends/" + backend.id() + "/reset",
                operator, Map.of("Content-Type", "application/x-www-form-urlencoded", "Origin",
                        "http://evil.example"), "");
        assertEquals(403, reset.status(), reset.toString());
        // A script's request with its Origin (a no-cors fetch may carry no Content-Type at all)
        RawHttp.Response noType = request(null, "POST", "/api/v1/services/web/backends/" + backend.id() + "/reset",
                operator, Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), "");
        assertEquals(403, noType.status(), noType.toString());
        RawHttp.Response json2 = request(null, "PUT", "/api/v1/services/web/strategy", operator,
                Map.of("Content-Type", "application/json", "Origin", "null"), "{\"name\": \"random\"}");
        assertEquals(403, json2.status(), json2.toString());
        assertEquals(before, stableView());
    }

    @Test
    void noPath_answersWithCorsHeaders_soOtherSitesCannotReadAnswers() throws Exception {
        String operator = basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD);
        for (Endpoint e : allEndpoints()) {
            RawHttp.Response r = request(null, e.method(), e.path(), operator, Map.of("Origin", "http://evil.example"),
                    e.isChange() ? e.body() : null);
            assertNull(r.header("Access-Control-Allow-Origin"), e + ": " + r);
            RawHttp.Response pre = request(null, "OPTIONS", e.path(), null, Map.of("Origin", "http://evil.example",
                    "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization"), null);
            assertNull(pre.header("Access-Control-Allow-Origin"), "preflight of " + e + ": " + pre);
            assertNull(pre.header("Access-Control-Allow-Credentials"), "preflight of " + e + ": " + pre);
        }
    }

    @Test
    void jsonChange_fromTheSameOriginOrANonBrowserClient_isServed() throws Exception {
        String operator = basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD);
        String self = "http://127.0.0.1:" + lb.adminPort();
        RawHttp.Response r = request(null, "PATCH", "/api/v1/services/web/backends/" + backend.id(), operator,
                Map.of("Content-Type", "application/json; charset=utf-8", "Origin", self, "Sec-Fetch-Site",
                        "same-origin"), "{\"weight\": 3}");
        assertEquals(200, r.status(), r.toString());
        r = request(null, "POST", "/api/v1/services/web/backends/" + backend.id() + "/reset", operator, Map.of(), "");
        assertEquals(200, r.status(), "curl -X POST without a body: " + r);
        assertEquals(1, lb.admin().json("/api/v1/services/web").get("backends").get(0).get("weight").asInt());
    }

    @Test
    void wrongPasswords_fromOneAddress_areThrottledWith429AndRetryAfter() throws Exception {
        InetAddress source = nextSource();
        Endpoint services = new Endpoint("GET", "/api/v1/services", null);
        List<Integer> statuses = new ArrayList<>();
        RawHttp.Response last = null;
        for (int i = 0; i < 7; i++) {
            last = raw(source, services, basic(LbProcess.OPERATOR, "guess-" + i));
            statuses.add(last.status());
        }
        assertEquals(List.of(401, 401, 401, 401, 401, 401, 429), statuses, "default: 5 free, the 6th sets a wait");
        assertEquals("1", last.header("Retry-After"), last.toString());
        RawHttp.Response right = raw(source, services, basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD));
        assertEquals(429, right.status(), "the right password during the wait: " + right);
        assertEquals(200, raw(nextSource(), services, basic(LbProcess.OPERATOR, LbProcess.OPERATOR_PASSWORD))
                .status(), "another address is not affected");
        String log = lb.logText();
        assertTrue(log.contains("wrong credentials for user 'admin' from " + source.getHostAddress()), lb.tail(3000));
        assertFalse(log.contains("guess-"), "a tried password reached the log");
    }

    @Test
    void generatedPassword_isPrintedOnceAndNeverAgain_andGuessesAtItCannotStarveTheAdminPlane() throws Exception {
        Path dir = TempDirs.create("admin-generated");
        try (LbProcess first = LbProcess.builder(dir).name("first").generatedPassword()
                .property("lb.services.web.backends", backend.url()).start()) {
            String password = awaitGeneratedPassword(first);
            // Guesses at a PBKDF2-checked password, 40 at once from 40 addresses (so no throttling), while a
            // viewer reads: the guesses get 401 or 429 (too many checks at once), the viewer is served throughout.
            ExecutorService pool = Executors.newFixedThreadPool(40);
            try {
                List<Future<Integer>> guesses = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    InetAddress source = nextSource();
                    String guess = "guess-" + i;
                    Callable<Integer> call = () -> raw(first.adminPort(), source,
                            new Endpoint("GET", "/api/v1/services", null), basic(LbProcess.OPERATOR, guess)).status();
                    guesses.add(pool.submit(call));
                }
                AdminApi.Reply read = first.viewer().send("GET", "/api/v1/services", null);
                assertEquals(200, read.status(), "a viewer's read during the guesses: " + read);
                int refusedAtOnce = 0;
                for (Future<Integer> g : guesses) {
                    int status = g.get(60, TimeUnit.SECONDS);
                    assertTrue(status == 401 || status == 429, "a guess got " + status);
                    refusedAtOnce += status == 429 ? 1 : 0;
                }
                assertTrue(refusedAtOnce > 0, "40 concurrent PBKDF2 guesses were all hashed: the bound does not hold");
            } finally {
                pool.shutdownNow();
            }
            assertEquals(200, new AdminApi(first.adminPort(), LbProcess.OPERATOR, password)
                    .send("GET", "/api/v1/services", null).status());
            assertEquals(1, count(first.logText(), password), "the password must be printed exactly once");
            first.stop();

            try (LbProcess second = LbProcess.builder(dir).name("second").generatedPassword()
                    .property("lb.services.web.backends", backend.url()).start()) {
                assertEquals(200, new AdminApi(second.adminPort(), LbProcess.OPERATOR, password)
                        .send("GET", "/api/v1/services", null).status());
                assertEquals(0, count(second.logText(), password), "a later start printed the password again");
                for (Path f : TempDirs.files(dir)) {
                    if (!f.toString().endsWith("first.log")) {
                        assertEquals(0, count(Files.readString(f, StandardCharsets.ISO_8859_1), password),
                                "the password is in " + f);
                    }
                }
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<Endpoint> allEndpoints() {
        List<Endpoint> all = new ArrayList<>(endpoints);
        for (String p : OTHER_PATHS) {
            all.add(new Endpoint("GET", p, null));
        }
        return all;
    }

    /** Every operation of the OpenAPI document, its path parameters filled in with service web and its backend. */
    private static List<Endpoint> endpointsFromOpenApi(JsonNode doc, String backendId) {
        List<Endpoint> out = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            String method = m.toUpperCase();
            String path = p.getKey().replace("{name}", "web").replace("{id}", backendId);
            String body = switch (method) {
                case "PUT" -> "{\"name\": \"random\"}";
                case "POST" -> path.endsWith("/reset") ? null : "{\"url\": \"http://127.0.0.1:9\"}";
                case "PATCH" -> "{\"weight\": 2}";
                default -> null;
            };
            out.add(new Endpoint(method, path, body));
        }));
        return out;
    }

    private static RawHttp.Response raw(InetAddress source, Endpoint e, String authorization) throws Exception {
        return raw(lb.adminPort(), source, e, authorization);
    }

    private static RawHttp.Response raw(int port, InetAddress source, Endpoint e, String authorization)
            throws Exception {
        Map<String, String> headers = e.body() == null ? Map.of() : Map.of("Content-Type", "application/json");
        return request(port, source, e.method(), e.path(), authorization, headers, e.body());
    }

    private static RawHttp.Response request(InetAddress source, String method, String path, String authorization,
                                            Map<String, String> headers, String body) throws Exception {
        return request(lb.adminPort(), source, method, path, authorization, headers, body);
    }

    /** One request on a connection of its own (so every answer is read whole, whatever its framing). */
    private static RawHttp.Response request(int port, InetAddress source, String method, String path,
                                            String authorization, Map<String, String> headers, String body)
            throws Exception {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nConnection: close\r\n");
        if (authorization != null) {
            req.append("Authorization: ").append(authorization).append("\r\n");
        }
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("\r\n");
        try (RawHttp c = RawHttp.connect(source, port)) {
            c.send(req.toString());
            c.send(bytes);
            return c.read(method);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static synchronized InetAddress nextSource() throws Exception {
        int n = nextSource++;
        return InetAddress.getByName("127.0." + (10 + n / 250) + "." + (1 + n % 250));
    }

    /** Service web without its live counters: what a refused change must leave as it was. */
    private static String stableView() {
        JsonNode s = lb.admin().json("/api/v1/services/web");
        StringBuilder sb = new StringBuilder(s.get("strategy").asText()).append(s.get("strategyConfig"))
                .append(s.get("overridden"));
        for (JsonNode b : s.get("backends")) {
            sb.append(' ').append(b.get("id").asText()).append('/').append(b.get("weight").asInt()).append('/')
                    .append(b.get("state").asText()).append(b.get("overridden"));
        }
        return sb.toString();
    }

    private static String awaitGeneratedPassword(LbProcess lbp) {
        Pattern printed = Pattern.compile("user: admin\\s+password: (\\S+)");
        Matcher m = printed.matcher(lbp.logText());
        assertTrue(m.find(), "no generated password in the log:\n" + lbp.tail(4000));
        return m.group(1);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
