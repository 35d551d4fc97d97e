package io.optiflow.lb.server.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** One Quarkus start shared by every discovery test class (each distinct profile restarts Quarkus). */
public class DiscoveryProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DiscoveryTestEnvironment.class));
    }
}
