package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.AdminClient.asOperator;
import static io.optiflow.lb.server.admin.AdminClient.asViewer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.Method;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP Basic on every admin path ({@code /api/*}, {@code /q/*}): 401 without (or with wrong) credentials, 403 for a
 * viewer's change; changes take JSON only and nothing from another site (CrossSiteGuard). The dashboard's pages have
 * a login page of their own (DashboardLoginTest).
 */
@QuarkusTest
@TestProfile(AdminPlaneProfile.class)
class AdminSecurityTest {

    @ConfigProperty(name = "lb.services.web.backends")
    String webBackends;

    /** A change request of each kind on service web; {B} is one of its backends. */
    private record Change(Method method, String path, String body) {
    }

    private List<Change> changes() {
        String b = AdminClient.ids(webBackends).get(0);
        return List.of(
                new Change(Method.PUT, "/api/v1/services/web/strategy", "{\"name\": \"least-connections\"}"),
                new Change(Method.DELETE, "/api/v1/services/web/strategy", null),
                new Change(Method.POST, "/api/v1/services/web/backends", "{\"url\": \"http://127.0.0.1:9\"}"),
                new Change(Method.PATCH, "/api/v1/services/web/backends/" + b, "{\"state\": \"DISABLED\"}"),
                new Change(Method.POST, "/api/v1/services/web/backends/" + b + "/reset", null),
                new Change(Method.DELETE, "/api/v1/services/web/backends/" + b, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/services", "/api/v1/services/web", "/api/v1/strategies", "/api/v1/audit",
            "/q/health", "/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi", "/api/v1/no-such-thing",
            "/q/no-such-thing"})
    void adminPath_withoutCredentials_is401WithBasicChallenge(String path) {
        given().get(path).then().statusCode(401)
                .header("WWW-Authenticate", matchesPattern("(?i)basic realm=\"OptiFlow LB admin\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/services", "/api/v1/strategies", "/q/health/live", "/q/metrics", "/q/openapi"})
    void adminPath_withWrongPasswordOrUnknownUser_is401(String path) {
        given().auth().preemptive().basic(AdminClient.OPERATOR, "wrong").get(path).then().statusCode(401);
        given().auth().preemptive().basic(AdminClient.VIEWER, AdminClient.OPERATOR_PASSWORD).get(path).then()
                .statusCode(401);
        given().auth().preemptive().basic("nobody", AdminClient.OPERATOR_PASSWORD).get(path).then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/services", "/api/v1/services/web", "/api/v1/strategies", "/api/v1/audit",
            "/q/health/live", "/q/metrics", "/q/openapi"})
    void readPath_asViewerAndOperator_is200(String path) {
        asViewer().get(path).then().statusCode(200);
        asOperator().get(path).then().statusCode(200);
    }

    @Test
    void changeRequest_withoutCredentials_is401AndChangesNothing() {
        String before = stableView();
        for (Change c : changes()) {
            RequestSpecification r = given();
            if (c.body() != null) {
                r = r.contentType("application/json").body(c.body());
            }
            assertEquals(401, r.request(c.method(), c.path()).statusCode(), c.method() + " " + c.path());
        }
        assertEquals(before, stableView());
    }

    @Test
    void changeRequest_asViewer_is403AndChangesNothing() {
        String before = stableView();
        for (Change c : changes()) {
            RequestSpecification r = asViewer();
            if (c.body() != null) {
                r = r.body(c.body());
            }
            assertEquals(403, r.request(c.method(), c.path()).statusCode(), c.method() + " " + c.path());
        }
        assertEquals(before, stableView());
        asViewer().get("/api/v1/audit?limit=1000").then().statusCode(200)
                .body("actor", not(hasItem(AdminClient.VIEWER)))
                .body("findAll { it.target.startsWith('web') }", empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"})
    void changeRequest_withAFormContentType_is415AndChangesNothing(String type) throws Exception {
        String before = stableView();
        // the JDK client: RestAssured re-encodes bodies of form types
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + RestAssured.port + "/api/v1/services/web/backends"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((AdminClient.OPERATOR + ":"
                        + AdminClient.OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:9\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, r.statusCode(), r.body());
        assertTrue(r.body().contains("expected: application/json"), r.body());
        assertEquals(before, stableView());
    }

    @Test
    void changeRequest_fromAnotherOrigin_is403ButTheSameOriginIsServed() {
        String before = stableView();
        asOperator().contentType("application/json").header("Origin", "http://evil.example")
                .body("{\"name\": \"least-connections\"}").put("/api/v1/services/web/strategy").then()
                .statusCode(403).header("Access-Control-Allow-Origin", (String) null);
        asOperator().contentType("application/json").header("Sec-Fetch-Site", "cross-site")
                .body("{\"name\": \"least-connections\"}").put("/api/v1/services/web/strategy").then()
                .statusCode(403);
        assertEquals(before, stableView());
        String self = "http://localhost:" + RestAssured.port;
        asOperator().header("Origin", self).header("Host", "localhost:" + RestAssured.port)
                .delete("/api/v1/services/web/strategy").then().statusCode(200);
    }

    @Test
    void openApi_asViewer_describesEveryAdminEndpoint() {
        String doc = asViewer().accept("application/json").get("/q/openapi").then().statusCode(200).extract()
                .asString();
        for (String path : List.of("/api/v1/strategies", "/api/v1/services", "/api/v1/services/{name}",
                "/api/v1/services/{name}/strategy", "/api/v1/services/{name}/backends",
                "/api/v1/services/{name}/backends/{id}", "/api/v1/services/{name}/backends/{id}/reset",
                "/api/v1/audit")) {
            assertEquals(true, doc.contains("\"" + path + "\""), "OpenAPI lacks " + path);
        }
        JsonPath json = JsonPath.from(doc);
        assertEquals("basic", json.getString("components.securitySchemes.SecurityScheme.scheme"));
    }

    @Test
    void metrics_asViewer_isPrometheusText() {
        asViewer().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    @Test
    void service_asViewer_showsConfiguredValues() {
        asViewer().get("/api/v1/services/web").then().statusCode(200)
                .body("name", equalTo("web"))
                .body("strategy", equalTo("round-robin"))
                .body("backends.id", equalTo(AdminClient.ids(webBackends).stream().sorted().toList()));
    }

    /** Service web without its live counters: what a refused change must leave as it was. */
    private static String stableView() {
        JsonPath s = AdminClient.service("web");
        return s.getString("strategy") + " " + s.getMap("strategyConfig") + " " + s.getList("overridden") + " "
                + s.getList("backends.id") + " " + s.getList("backends.weight") + " " + s.getList("backends.state")
                + " " + s.getList("backends.overridden");
    }
}
