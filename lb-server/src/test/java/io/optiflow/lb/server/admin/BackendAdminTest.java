package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.AdminClient.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.Method;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backends of service {@code edit}: add, weigh, drain, disable, reset, remove; each refused input changes nothing. */
@QuarkusTest
@TestProfile(AdminPlaneProfile.class)
class BackendAdminTest {

    private static final String BASE = "/api/v1/services/edit";

    @ConfigProperty(name = "lb.services.edit.backends")
    String editBackends;

    @Inject
    ProxyServer proxy;

    private int proxyPort;

    @BeforeEach
    void findProxyPort() {
        proxyPort = proxy.actualPort();
    }

    private String a;
    private String b;

    @BeforeEach
    void backToConfigured() {
        List<String> ids = AdminClient.ids(editBackends).stream().sorted().toList();
        a = ids.get(0);
        b = ids.get(1);
        List<String> present = AdminClient.service("edit").getList("backends.id", String.class);
        for (String id : present) {
            if (!id.equals(a) && !id.equals(b)) {
                asOperator().delete(BASE + "/backends/" + id).then().statusCode(204);
            }
        }
        for (String id : List.of(a, b)) {
            if (!present.contains(id)) {
                asOperator().contentType("application/json").body("{\"url\": \"http://" + id + "\"}")
                        .post(BASE + "/backends").then().statusCode(201);
            }
        }
        for (String id : List.of(a, b)) {
            asOperator().post(BASE + "/backends/" + id + "/reset").then().statusCode(200);
        }
        asOperator().delete(BASE + "/strategy").then().statusCode(200);
    }

    @Test
    void patchBackend_drainingWithWeight_isOverriddenTakesNoTrafficAndResets() {
        // The id holds ':' and goes in the path as is.
        asOperator().urlEncodingEnabled(false).contentType("application/json")
                .body("{\"weight\": 7, \"state\": \"DRAINING\"}")
                .patch(BASE + "/backends/" + a)
                .then().statusCode(200)
                .body("id", equalTo(a)).body("weight", equalTo(7)).body("state", equalTo("DRAINING"))
                .body("overridden", equalTo(List.of("weight", "state")));

        JsonPath s = AdminClient.service("edit");
        assertEquals(7, s.getInt("backends.find { it.id == '" + a + "' }.weight"));
        for (int i = 0; i < 6; i++) {
            assertEquals(b, AdminClient.viaProxy(proxyPort, "/edit/drain-" + i), "request " + i);
        }

        // The same id URL-encoded (%3A) works too.
        asOperator().urlEncodingEnabled(false).post(BASE + "/backends/" + a.replace(":", "%3A") + "/reset")
                .then().statusCode(200)
                .body("weight", equalTo(1)).body("state", equalTo("ENABLED")).body("overridden", empty());
        asOperator().get("/api/v1/audit?limit=5").then().statusCode(200)
                .body("[0].action", notNullValue())
                .body("[0].actor", equalTo(AdminClient.OPERATOR))
                .body("[0].target", containsString(a))
                .body("[1].actor", equalTo(AdminClient.OPERATOR))
                .body("[1].target", containsString(a))
                .body("[1].before", notNullValue())
                .body("[1].after", containsString("DRAINING"));
    }

    @Test
    void patchBackend_disabled_takesNoTrafficUntilEnabled() {
        asOperator().contentType("application/json").body("{\"state\": \"disabled\"}")
                .patch(BASE + "/backends/" + b).then().statusCode(200).body("state", equalTo("DISABLED"));
        for (int i = 0; i < 4; i++) {
            assertEquals(a, AdminClient.viaProxy(proxyPort, "/edit/disabled-" + i), "request " + i);
        }
        asOperator().contentType("application/json").body("{\"state\": \"ENABLED\"}")
                .patch(BASE + "/backends/" + b).then().statusCode(200).body("state", equalTo("ENABLED"));
        boolean sawB = false;
        for (int i = 0; i < 4 && !sawB; i++) {
            sawB = b.equals(AdminClient.viaProxy(proxyPort, "/edit/enabled-" + i));
        }
        assertTrue(sawB, "re-enabled backend " + b + " got none of 4 round-robin requests");
    }

    @Test
    void addBackend_validUrl_is201ListedTakesTrafficAndIsRemovable() throws Exception {
        try (TestBackend extra = new TestBackend()) {
            Response added = asOperator().contentType("application/json")
                    .body("{\"url\": \"" + extra.url() + "\", \"weight\": 3}")
                    .post(BASE + "/backends");
            added.then().statusCode(201)
                    .header("Location", endsWith(BASE + "/backends/" + extra.id()))
                    .body("id", equalTo(extra.id())).body("weight", equalTo(3)).body("origin", equalTo("runtime"));
            assertTrue(AdminClient.service("edit").getList("backends.id").contains(extra.id()));

            // Only the new one enabled: every request must reach it.
            for (String id : List.of(a, b)) {
                asOperator().contentType("application/json").body("{\"state\": \"DISABLED\"}")
                        .patch(BASE + "/backends/" + id).then().statusCode(200);
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(extra.id(), AdminClient.viaProxy(proxyPort, "/edit/added-" + i), "request " + i);
            }

            asOperator().delete(BASE + "/backends/" + extra.id()).then().statusCode(204);
            asOperator().get(BASE + "/backends/" + extra.id()).then().statusCode(404);
            assertTrue(!AdminClient.service("edit").getList("backends.id").contains(extra.id()));
            asOperator().get("/api/v1/audit?limit=1").then().statusCode(200)
                    .body("[0].actor", equalTo(AdminClient.OPERATOR))
                    .body("[0].target", containsString(extra.id()))
                    .body("[0].after", equalTo(null));
        }
    }

    @Test
    void removeBackend_configuredOne_isGoneAndCanBeAddedBack() {
        asOperator().delete(BASE + "/backends/" + b).then().statusCode(204);
        for (int i = 0; i < 4; i++) {
            assertEquals(a, AdminClient.viaProxy(proxyPort, "/edit/removed-" + i), "request " + i);
        }
        asOperator().get(BASE).then().statusCode(200).body("backends.id", equalTo(List.of(a)));
        asOperator().contentType("application/json").body("{\"url\": \"http://" + b + "\"}")
                .post(BASE + "/backends").then().statusCode(201).body("id", equalTo(b));
        asOperator().get(BASE).then().statusCode(200).body("backends.id", equalTo(List.of(a, b)));
    }

    /** A refused request: its status, the word its first error must contain. */
    private record Refused(Method method, String path, String body, int status, String mentions) {
    }

    @Test
    void invalidRequest_eachKind_isRefusedWithErrorsAndChangesNothing() {
        String strategy = BASE + "/strategy";
        String backends = BASE + "/backends";
        String one = BASE + "/backends/" + a;
        List<Refused> refused = List.of(
                new Refused(Method.PUT, strategy, "{\"name\": \"no-such-strategy\"}", 400, "no-such-strategy"),
                new Refused(Method.PUT, strategy, "{\"name\": \"round-robin\", \"config\": {\"bogus\": 1}}", 400,
                        "bogus"),
                new Refused(Method.PUT, strategy, "{\"name\": \"consistent-hash\", \"config\": {\"replicas\": 0}}",
                        400, "replicas"),
                new Refused(Method.PUT, strategy, "{\"name\": 5}", 400, "name"),
                new Refused(Method.PUT, strategy, "{\"name\": \"round-robin\", \"colour\": \"red\"}", 400, "colour"),
                new Refused(Method.PUT, strategy, "{\"name\": \"round-robin\"", 400, "JSON"),
                new Refused(Method.PUT, strategy, "", 400, "body"),
                new Refused(Method.PUT, "/api/v1/services/nope/strategy", "{\"name\": \"round-robin\"}", 404, "nope"),
                new Refused(Method.POST, backends, "{\"url\": \"ftp://127.0.0.1:21\"}", 400, "ftp"),
                new Refused(Method.POST, backends, "{\"url\": \"not a url\"}", 400, "not a url"),
                new Refused(Method.POST, backends, "{\"url\": \"http://127.0.0.1:9\", \"weight\": 0}", 400, "weight"),
                new Refused(Method.POST, backends, "{\"url\": \"http://127.0.0.1:9\", \"weight\": \"heavy\"}", 400,
                        "weight"),
                new Refused(Method.POST, backends, "{\"url\": \"http://127.0.0.1:9\", \"weight\": 2.5}", 400,
                        "weight"),
                new Refused(Method.POST, backends, "{\"weight\": 2}", 400, "url"),
                new Refused(Method.POST, backends, "{\"url\": \"http://" + a + "\"}", 409, a),
                new Refused(Method.PATCH, one, "{\"state\": \"SLEEPING\"}", 400, "SLEEPING"),
                new Refused(Method.PATCH, one, "{\"weight\": -1}", 400, "weight"),
                new Refused(Method.PATCH, one, "{\"weight\": 10001}", 400, "weight"),
                new Refused(Method.PATCH, one, "{}", 400, "body"),
                new Refused(Method.PATCH, one, "[1, 2]", 400, "body"),
                new Refused(Method.PATCH, BASE + "/backends/127.0.0.1:1", "{\"weight\": 2}", 404, "127.0.0.1:1"),
                new Refused(Method.DELETE, BASE + "/backends/127.0.0.1:1", null, 404, "127.0.0.1:1"),
                new Refused(Method.POST, BASE + "/backends/127.0.0.1:1/reset", null, 404, "127.0.0.1:1"),
                new Refused(Method.GET, "/api/v1/services/nope", null, 404, "nope"),
                new Refused(Method.GET, "/api/v1/audit?limit=0", null, 400, "limit"));

        String before = stableView();
        int auditBefore = auditSize();
        for (Refused r : refused) {
            RequestSpecification req = asOperator().urlEncodingEnabled(false);
            if (r.body() != null) {
                req = req.contentType("application/json").body(r.body());
            }
            String what = r.method() + " " + r.path() + " " + r.body();
            Response res = req.request(r.method(), r.path());
            assertEquals(r.status(), res.statusCode(), what + " -> " + res.asString());
            List<String> errors = res.jsonPath().getList("errors", String.class);
            assertTrue(errors != null && !errors.isEmpty(), what + ": no errors in " + res.asString());
            assertTrue(errors.get(0).contains(r.mentions()), what + ": '" + errors.get(0) + "' does not mention '"
                    + r.mentions() + "'");
        }
        assertEquals(before, stableView());
        assertEquals(auditBefore, auditSize());
    }

    @Test
    void invalidRequest_badWeightAndState_listsEveryError() {
        asOperator().contentType("application/json").body("{\"weight\": \"x\", \"state\": \"ON\", \"zone\": 1}")
                .patch(BASE + "/backends/" + a)
                .then().statusCode(400)
                .body("errors", hasSize(3))
                .body("errors", hasItem(containsString("expected: an integer from 1 to 10000")))
                .body("errors", hasItem(containsString("expected: one of ENABLED, DRAINING, DISABLED")))
                .body("errors", hasItem(containsString("zone: unknown field")));
        asOperator().get(BASE).then().statusCode(200).body("backends.overridden.flatten()", not(hasItem("state")));
    }

    private static int auditSize() {
        return asOperator().get("/api/v1/audit?limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("$").size();
    }

    private static String stableView() {
        JsonPath s = AdminClient.service("edit");
        return s.getString("strategy") + " " + s.getMap("strategyConfig") + " " + s.getList("overridden") + " "
                + s.getList("backends.id") + " " + s.getList("backends.weight") + " " + s.getList("backends.state")
                + " " + s.getList("backends.overridden");
    }
}
