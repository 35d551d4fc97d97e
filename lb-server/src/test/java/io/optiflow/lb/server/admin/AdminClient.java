package io.optiflow.lb.server.admin;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the admin-plane tests share: credentials of the test config, and a client for the data plane. */
final class AdminClient {

    static final String OPERATOR = "admin";
    static final String OPERATOR_PASSWORD = "test-operator-pw";
    static final String VIEWER = "viewer";
    static final String VIEWER_PASSWORD = "test-viewer-pw";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminClient() {
    }

    /**
     * As the operator, declaring JSON: RestAssured otherwise sends a form type with a body-less POST, which the admin
     * API refuses (CrossSiteGuard).
     */
    static RequestSpecification asOperator() {
        return given().auth().preemptive().basic(OPERATOR, OPERATOR_PASSWORD).contentType("application/json");
    }

    static RequestSpecification asViewer() {
        return given().auth().preemptive().basic(VIEWER, VIEWER_PASSWORD).contentType("application/json");
    }

    static JsonPath service(String name) {
        return asOperator().get("/api/v1/services/{name}", name).then().statusCode(200).extract().jsonPath();
    }

    /** The backend URLs a service was configured with by {@link AdminTestEnvironment}. */
    static List<String> ids(String backendsConfig) {
        return Arrays.stream(backendsConfig.split(",")).map(u -> u.trim().substring("http://".length())).toList();
    }

    /** GET through the proxy; returns the id of the backend that answered. Bounded: 10 s. */
    static String viaProxy(int proxyPort, String path) {
        try {
            HttpResponse<String> r = HTTP.send(request(proxyPort, path), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("proxy answered " + r.statusCode() + " to " + path + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("request through the proxy to " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** GET through the proxy without waiting for the answer. Bounded: 10 s. */
    static CompletableFuture<HttpResponse<String>> viaProxyAsync(int proxyPort, String path) {
        return HTTP.sendAsync(request(proxyPort, path), HttpResponse.BodyHandlers.ofString());
    }

    /** Releases requests held by a {@link TestBackend} (sent to it directly, not through the proxy). */
    static void release(String backendId) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://" + backendId + "/__release"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the backend is gone: nothing is held
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpRequest request(int proxyPort, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                .timeout(Duration.ofSeconds(10)).build();
    }
}
