package io.optiflow.lb.server.proxy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.ConfigProvider;

/** Talks to the proxy under test and to the {@link BackendFarm}: real sockets on loopback. */
final class LbTestSupport {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private LbTestSupport() {
    }

    static int farmPort() {
        return ConfigProvider.getConfig().getValue("optiflow.test.farm-port", Integer.class);
    }

    static int adminPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    static String farm(String method, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + farmPort() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("farm " + method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Requests backend {@code name} received since the last {@link #clearRecords}. */
    static List<JsonObject> records(String name) {
        JsonArray a = new JsonArray(farm("GET", "/records/" + name));
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getJsonObject(i));
        }
        return out;
    }

    static void clearRecords(String... names) {
        for (String n : names) {
            farm("DELETE", "/records/" + n);
        }
    }

    static int count(String name) {
        return Integer.parseInt(farm("GET", "/count/" + name));
    }

    /** All values of header {@code name} (case-insensitive) in a recorded request. */
    static List<String> header(JsonObject record, String name) {
        List<String> out = new ArrayList<>();
        JsonArray hs = record.getJsonArray("headers");
        for (int i = 0; i < hs.size(); i++) {
            JsonArray h = hs.getJsonArray(i);
            if (h.getString(0).equalsIgnoreCase(name)) {
                out.add(h.getString(1));
            }
        }
        return out;
    }

    static HttpResponse<String> get(int proxyPort, String path, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                    .timeout(Duration.ofSeconds(10)).GET();
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        }
    }

    /** {@code GET /q/health/ready} on the admin plane, as the operator. */
    static HttpResponse<String> readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + "/q/health/ready"))
                    .header("authorization", basicAuth()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET /q/health/ready failed: " + e, e);
        }
    }

    static String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString("admin:test-operator-pw".getBytes(StandardCharsets.UTF_8));
    }

    /** What came back on a raw socket. */
    record RawResponse(String text, boolean closed) {

        /** The final status (after any 100 Continue), or -1 when nothing came back. */
        int status() {
            // Vert.x answers some decoder failures (414, 431) as HTTP/1.0.
            int at = text.indexOf("HTTP/1.");
            if (at < 0) {
                return -1;
            }
            int code = Integer.parseInt(text.substring(at + 9, at + 12));
            if (code == 100) {
                int next = text.indexOf("HTTP/1.", at + 1);
                code = next < 0 ? 100 : Integer.parseInt(text.substring(next + 9, next + 12));
            }
            return code;
        }

        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Sends {@code request} as raw bytes and reads until the proxy closes the connection or 3 s of silence pass.
     */
    static RawResponse raw(int port, String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RawResponse readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                buf.write(b, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (IOException e) {
            closed = true; // reset by the proxy counts as closed
        }
        return new RawResponse(buf.toString(StandardCharsets.ISO_8859_1), closed);
    }
}
