package io.optiflow.lb.blackbox.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A client of the admin plane as one user (HTTP Basic, JSON bodies). Each call is bounded (10 s) and returns the
 * answer as it came; {@link #json} and {@link #ok} fail the test on an unexpected status.
 */
public final class AdminApi {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final String authorization;

    public AdminApi(int port, String user, String password) {
        this.port = port;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** An answer: status and body. */
    public record Reply(int status, String body, HttpResponse<String> response) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** {@code method path}, with {@code jsonBody} as {@code application/json} when not null. */
    public Reply send(String method, String path, String jsonBody) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            r.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(resp.statusCode(), resp.body(), resp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** {@code GET path} as JSON; fails unless 200. */
    public JsonNode json(String path) {
        return parse(ok("GET", path, null, 200).body());
    }

    /** Sends and fails unless the status is {@code expected}. */
    public Reply ok(String method, String path, String jsonBody, int expected) {
        try {
            Reply r = send(method, path, jsonBody);
            if (r.status() != expected) {
                throw new AssertionError(method + " " + path + ": expected " + expected + ", got " + r);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
