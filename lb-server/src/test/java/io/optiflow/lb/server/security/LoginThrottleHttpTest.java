package io.optiflow.lb.server.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wrong admin logins from one address (127.0.0.1) on the real admin plane: 401 while free, then 429 with a
 * Retry-After that doubles per wrong login, even for the right password; a right login after the wait resets it.
 * Waits are real (1 s, then 2 s): about 3.5 s of sleeping in all.
 */
@QuarkusTest
@TestProfile(LoginThrottleHttpTest.Profile.class)
class LoginThrottleHttpTest {

    private static final String PASSWORD = "test-operator-pw";

    /** Two free wrong logins, waits from 1 s. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lb.admin.login.free-failures", "2", "lb.admin.login.first-wait", "1s",
                    "lb.admin.login.max-wait", "10s");
        }
    }

    @Test
    void wrongPasswords_fromOneAddress_429WithGrowingRetryAfterUntilARightLoginResetsIt() throws Exception {
        login("wrong-1").statusCode(401);
        login("wrong-2").statusCode(401);
        login("wrong-3").statusCode(401); // beyond the free two: the address now waits 1 s
        login(PASSWORD).statusCode(429).header("Retry-After", "1")
                .body("errors[0]", containsString("too many wrong logins from 127.0.0.1"));
        given().get("/api/v1/services").then().statusCode(401); // no credentials: nothing to throttle

        Thread.sleep(1_100);
        login("wrong-4").statusCode(401); // checked again, wrong again: now 2 s
        login(PASSWORD).statusCode(429).header("Retry-After", "2");

        Thread.sleep(2_100);
        login(PASSWORD).statusCode(200);
        login("wrong-5").statusCode(401);
        login("wrong-6").statusCode(401);
        login("wrong-7").statusCode(401);
        login(PASSWORD).statusCode(429).header("Retry-After", equalTo("1"));
    }

    private static ValidatableResponse login(String password) {
        return given().auth().preemptive().basic("admin", password).get("/api/v1/services").then();
    }
}
