package io.optiflow.lb.server.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** One Quarkus start shared by every admin-plane test class (each distinct profile restarts Quarkus). */
public class AdminPlaneProfile implements QuarkusTestProfile {

    /** AdminSecurityTest sends many wrong passwords from 127.0.0.1; throttling them is LoginThrottleHttpTest's job. */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("lb.admin.login.free-failures", "1000000");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AdminTestEnvironment.class));
    }
}
