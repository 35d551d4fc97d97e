package io.optiflow.lb.server.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** One Quarkus start shared by every admin-plane test class (each distinct profile restarts Quarkus). */
public class AdminPlaneProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AdminTestEnvironment.class));
    }
}
