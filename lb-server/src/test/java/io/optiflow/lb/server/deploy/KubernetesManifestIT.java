package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.optiflow.lb.api.spi.Durations;
import io.optiflow.lb.server.config.LbConfig;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests that {@code quarkus-kubernetes} writes at build time ({@code target/kubernetes/}, from
 * the {@code quarkus.kubernetes.*} keys and {@code src/main/kubernetes/kubernetes.yml}), parsed and checked item by
 * item against issue 9 and against the images ({@code src/main/docker}).
 */
class KubernetesManifestIT {

    static final String PROBE_IN_IMAGE = "/deployments/bin/probe";
    private static final Path MANIFEST = Path.of("target", "kubernetes", "kubernetes.yml");

    private static List<JsonNode> resources;
    private static JsonNode deployment;
    private static JsonNode pod;
    private static JsonNode container;

    @BeforeAll
    static void read() throws IOException {
        assertTrue(Files.isRegularFile(MANIFEST), MANIFEST.toAbsolutePath() + " is missing: run through 'mvn verify',"
                + " whose package phase writes it");
        resources = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(MANIFEST.toFile())) {
            while (it.hasNext()) {
                JsonNode r = it.next();
                if (r != null && !r.isEmpty()) {
                    resources.add(r);
                }
            }
        }
        List<JsonNode> deployments = ofKind("Deployment");
        assertEquals(1, deployments.size(), "one Deployment expected: " + names());
        deployment = deployments.get(0);
        pod = deployment.at("/spec/template/spec");
        assertEquals(1, pod.path("containers").size(), "one container expected");
        container = pod.path("containers").get(0);
    }

    @Test
    void probes_runTheProbeScriptOnTheHealthPaths() {
        assertEquals(List.of(PROBE_IN_IMAGE, "/q/health/live"), exec(container.path("livenessProbe")));
        assertEquals(List.of(PROBE_IN_IMAGE, "/q/health/ready"), exec(container.path("readinessProbe")));
        List<String> startup = exec(container.path("startupProbe"));
        assertEquals(PROBE_IN_IMAGE, startup.get(0));
        assertTrue(startup.get(1).startsWith("/q/health"), "startup probe: " + startup);
        // the startup probe gives a slow start time before liveness may restart the container
        JsonNode s = container.path("startupProbe");
        assertTrue(s.path("periodSeconds").asInt() * s.path("failureThreshold").asInt() >= 30,
                "startup probe allows less than 30 s: " + s);
    }

    @Test
    void probeCredentials_fromTheSecret_aViewerUser() {
        Map<String, JsonNode> env = env();
        assertSecretRef(env, "LB_PROBE_PASSWORD");
        String user = env.get("LB_PROBE_USER").path("value").asText();
        assertFalse(user.isEmpty(), "LB_PROBE_USER has no value");
        String prefix = "LB_ADMIN_USERS_" + user.toUpperCase() + "_";
        assertSecretRef(env, prefix + "PASSWORD");
        assertEquals("viewer", env.get(prefix + "ROLE").path("value").asText(),
                "the probe user needs no more than role viewer");
        assertEquals(env.get(prefix + "PASSWORD").at("/valueFrom/secretKeyRef"),
                env.get("LB_PROBE_PASSWORD").at("/valueFrom/secretKeyRef"),
                "the probe must use the password the server gives its user");
        assertSecretRef(env, "LB_ADMIN_PASSWORD");
        for (Map.Entry<String, JsonNode> e : env.entrySet()) {
            if (e.getKey().contains("PASSWORD")) {
                assertFalse(e.getValue().has("value"), e.getKey() + " has a literal value in the manifest");
            }
        }
    }

    @Test
    void adminPlane_listensOnThePodAddresses() {
        assertEquals("0.0.0.0", env().get("QUARKUS_HTTP_HOST").path("value").asText(),
                "Prometheus and the admin Service reach the admin plane on the pod's address");
    }

    @Test
    void resources_cpuAndMemoryRequested_memoryLimited() {
        JsonNode r = container.path("resources");
        assertFalse(r.at("/requests/cpu").asText().isEmpty(), "resources: " + r);
        assertFalse(r.at("/requests/memory").asText().isEmpty(), "resources: " + r);
        assertFalse(r.at("/limits/memory").asText().isEmpty(), "resources: " + r);
    }

    @Test
    void securityContext_nonRoot_noEscalation_readOnlyRoot_noCapabilities() {
        JsonNode c = container.path("securityContext");
        assertTrue(c.path("runAsNonRoot").asBoolean() || pod.at("/securityContext/runAsNonRoot").asBoolean(),
                "runAsNonRoot: " + c);
        assertEquals(false, c.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation: " + c);
        assertTrue(c.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem: " + c);
        assertEquals(List.of("ALL"), texts(c.at("/capabilities/drop")), "capabilities.drop: " + c);
        assertTrue(c.at("/capabilities/add").isMissingNode(), "capabilities added: " + c);
        assertFalse(c.path("privileged").asBoolean(), "privileged: " + c);
    }

    @Test
    void runAsUser_isTheImagesUser() throws IOException {
        for (String name : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            String user = Dockerfile.read(Path.of("src", "main", "docker", name)).last("USER");
            assertEquals(user, pod.at("/securityContext/runAsUser").asText(), name + "'s USER vs runAsUser");
        }
    }

    @Test
    void dataFolder_onThePersistentVolumeClaim_tmpOnAnEmptyDir() throws IOException {
        String dataDir = Dockerfile.read(Path.of("src", "main", "docker", "Dockerfile.jvm")).env().get("LB_DATA_DIR");
        JsonNode pvc = one("PersistentVolumeClaim");
        String volume = mountedVolume(dataDir);
        JsonNode v = volume(volume);
        assertEquals(pvc.at("/metadata/name").asText(), v.at("/persistentVolumeClaim/claimName").asText(),
                "the data folder " + dataDir + " must be the PersistentVolumeClaim: " + v);
        assertFalse(pvc.at("/spec/resources/requests/storage").asText().isEmpty(), "PVC size: " + pvc);
        assertTrue(volume(mountedVolume("/tmp")).has("emptyDir"), "/tmp must be writable on a read-only root");
        for (JsonNode m : container.path("volumeMounts")) {
            String path = m.path("mountPath").asText();
            assertTrue(path.equals(dataDir) || path.equals("/tmp"), "unexpected writable mount " + m);
        }
    }

    @Test
    void publicService_proxyPortOnly() {
        JsonNode svc = serviceTargeting("proxy");
        for (JsonNode p : svc.at("/spec/ports")) {
            assertEquals("proxy", p.path("targetPort").asText(), "the public Service must not reach port " + p);
        }
        assertSelectsThePods(svc.at("/spec/selector"), "public Service");
    }

    @Test
    void adminService_separateAndClusterIp() {
        JsonNode admin = serviceTargeting("http");
        assertTrue(admin.at("/spec/type").isMissingNode() || admin.at("/spec/type").asText().equals("ClusterIP"),
                "the admin Service must stay inside the cluster: " + admin.at("/spec"));
        assertFalse(admin.at("/metadata/name").asText().equals(serviceTargeting("proxy").at("/metadata/name")
                .asText()), "admin and proxy need separate Services");
        assertEquals(1, admin.at("/spec/ports").size(), "admin Service ports: " + admin.at("/spec/ports"));
        assertSelectsThePods(admin.at("/spec/selector"), "admin Service");
        Set<String> named = new HashSet<>();
        for (JsonNode p : container.path("ports")) {
            named.add(p.path("name").asText() + "=" + p.path("containerPort").asInt());
        }
        assertTrue(named.containsAll(Set.of("http=9090", "proxy=8080")), "container ports: " + named);
    }

    @Test
    void serviceAccount_rbac_getListWatchEndpointSlicesAndNothingElse() {
        String account = serviceAccount();
        assertTrue(ofKind("ClusterRole").isEmpty() && ofKind("ClusterRoleBinding").isEmpty(),
                "no cluster-wide rights: " + names());
        JsonNode role = roleWithRulesOn("endpointslices");
        JsonNode rules = role.path("rules");
        assertEquals(1, rules.size(), "rules: " + rules);
        assertEquals(List.of("discovery.k8s.io"), texts(rules.at("/0/apiGroups")));
        assertEquals(List.of("endpointslices"), texts(rules.at("/0/resources")));
        assertEquals(Set.of("get", "list", "watch"), Set.copyOf(texts(rules.at("/0/verbs"))));
        assertTrue(rules.at("/0/resourceNames").isMissingNode() && rules.at("/0/nonResourceURLs").isMissingNode());
        assertBoundTo(role, account);
    }

    @Test
    void stateStoreRbac_exactlyTheKubernetesStoresVerbsOnItsOneConfigMap_shippedEmpty() {
        // cluster mode's Kubernetes store (docs/cluster.md): lb.state.kubernetes.config-map defaults to this name
        String configMap = "optiflow-lb-state";
        List<JsonNode> maps = ofKind("ConfigMap");
        assertEquals(1, maps.size(), "one ConfigMap (the state store's) expected: " + names());
        assertEquals(configMap, maps.get(0).at("/metadata/name").asText());
        // shipped empty: applying the manifests again must not reset what the replicas wrote
        JsonNode data = maps.get(0).path("data");
        assertTrue(data.isMissingNode() || data.isEmpty(), "the state ConfigMap must ship without data: " + data);
        assertTrue(maps.get(0).path("binaryData").isMissingNode(), maps.get(0).toString());

        JsonNode role = roleWithRulesOn("configmaps");
        JsonNode rules = role.path("rules");
        assertEquals(1, rules.size(), "rules: " + rules);
        assertEquals(List.of(""), texts(rules.at("/0/apiGroups")), "configmaps are in the core API group");
        assertEquals(List.of("configmaps"), texts(rules.at("/0/resources")));
        assertEquals(List.of(configMap), texts(rules.at("/0/resourceNames")), "that one ConfigMap, no other");
        // watch of one named object = list/watch with a field selector; update = replace on resourceVersion;
        // patch = the heartbeat keys. No create (the ConfigMap ships with the manifests), no delete.
        assertEquals(List.of("get", "list", "watch", "update", "patch"), texts(rules.at("/0/verbs")));
        assertBoundTo(role, serviceAccount());
    }

    @Test
    void rbac_everyRoleBoundToThePodsAccount_noCreateDeleteOrWildcard() {
        String account = serviceAccount();
        assertEquals(2, ofKind("Role").size(), "Roles: EndpointSlices (discovery), the state ConfigMap: " + names());
        for (JsonNode binding : ofKind("RoleBinding")) {
            assertEquals("Role", binding.at("/roleRef/kind").asText(), binding.toString());
            assertEquals(1, binding.path("subjects").size(), binding.toString());
            assertEquals("ServiceAccount", binding.at("/subjects/0/kind").asText(), binding.toString());
            assertEquals(account, binding.at("/subjects/0/name").asText(), binding.toString());
        }
        for (JsonNode role : ofKind("Role")) {
            for (JsonNode rule : role.path("rules")) {
                for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
                    assertFalse(texts(rule.path(field)).contains("*"), "wildcard in " + role);
                }
                List<String> verbs = texts(rule.path("verbs"));
                for (String verb : List.of("create", "delete", "deletecollection", "escalate", "bind", "impersonate")) {
                    assertFalse(verbs.contains(verb), verb + " granted by " + role);
                }
            }
        }
    }

    @Test
    void prometheusAnnotations_onThePods_pointAtTheAdminMetrics() {
        JsonNode a = deployment.at("/spec/template/metadata/annotations");
        assertEquals("true", a.path("prometheus.io/scrape").asText(), "annotations: " + a);
        assertEquals("/q/metrics", a.path("prometheus.io/path").asText());
        assertEquals("9090", a.path("prometheus.io/port").asText());
    }

    @Test
    void podDisruptionBudget_coversThePods() {
        JsonNode pdb = one("PodDisruptionBudget");
        assertEquals("policy/v1", pdb.path("apiVersion").asText());
        assertTrue(pdb.at("/spec/maxUnavailable").isValueNode() || pdb.at("/spec/minAvailable").isValueNode(),
                pdb.toString());
        assertSelectsThePods(pdb.at("/spec/selector/matchLabels"), "PodDisruptionBudget");
    }

    @Test
    void upgrade_rollsWithoutUnavailablePods_andTheSelectorHasNoVersion() {
        JsonNode s = deployment.at("/spec/strategy");
        assertEquals("RollingUpdate", s.path("type").asText(), s.toString());
        assertEquals("0", s.at("/rollingUpdate/maxUnavailable").asText(), s.toString());
        // a Deployment's selector can't change: a version in it would make every upgrade fail
        assertFalse(deployment.at("/spec/selector/matchLabels").has("app.kubernetes.io/version"),
                deployment.at("/spec/selector").toString());
    }

    @Test
    void terminationGrace_exceedsTheShutdownBudget() throws Exception {
        // what the pod runs with: the manifest's env, else the image's, else the built-in default
        Map<String, String> image = Dockerfile.read(Path.of("src", "main", "docker", "Dockerfile.jvm")).env();
        long budgetNanos = 0;
        for (String[] key : new String[][] {{"LB_SHUTDOWN_DRAIN_DELAY", "drainDelay"}, {"LB_SHUTDOWN_TIMEOUT", "timeout"}}) {
            JsonNode inManifest = env().get(key[0]);
            String value = inManifest != null ? inManifest.path("value").asText()
                    : image.getOrDefault(key[0], defaultOf(LbConfig.Shutdown.class, key[1]));
            budgetNanos += Durations.parseNanos(value);
        }
        long graceNanos = TimeUnit.SECONDS.toNanos(pod.path("terminationGracePeriodSeconds").asLong(30));
        assertTrue(graceNanos > budgetNanos, "terminationGracePeriodSeconds (" + Durations.format(graceNanos)
                + ") must exceed lb.shutdown.drain-delay + lb.shutdown.timeout (" + Durations.format(budgetNanos)
                + "), or SIGKILL cuts the drain short");
    }

    @Test
    void build_configuresNoImageBuildOrPush() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        assertFalse(pom.contains("quarkus-container-image-"), "a container-image extension would try to build an"
                + " image, and no engine runs here");
        String props = Files.readString(Path.of("src", "main", "resources", "application.properties"));
        assertFalse(props.matches("(?s).*quarkus\\.container-image\\.(build|push)\\s*=\\s*true.*"), props);
        assertFalse(props.matches("(?s).*quarkus\\.kubernetes\\.deploy\\s*=\\s*true.*"), props);
    }

    // --- helpers ---

    private static String defaultOf(Class<?> mapping, String method) throws NoSuchMethodException {
        return mapping.getMethod(method).getAnnotation(WithDefault.class).value();
    }

    private static String serviceAccount() {
        String account = one("ServiceAccount").at("/metadata/name").asText();
        assertEquals(account, pod.path("serviceAccountName").asText(), "the pod must run as " + account);
        return account;
    }

    private static JsonNode roleWithRulesOn(String resource) {
        List<JsonNode> hits = new ArrayList<>();
        for (JsonNode role : ofKind("Role")) {
            for (JsonNode rule : role.path("rules")) {
                if (texts(rule.path("resources")).contains(resource)) {
                    hits.add(role);
                    break;
                }
            }
        }
        assertEquals(1, hits.size(), "one Role with rules on " + resource + " expected: " + names());
        return hits.get(0);
    }

    private static void assertBoundTo(JsonNode role, String account) {
        String name = role.at("/metadata/name").asText();
        List<JsonNode> bindings = ofKind("RoleBinding").stream()
                .filter(b -> b.at("/roleRef/kind").asText().equals("Role")
                        && b.at("/roleRef/name").asText().equals(name)).toList();
        assertEquals(1, bindings.size(), "one RoleBinding of Role " + name + " expected: " + names());
        JsonNode subjects = bindings.get(0).path("subjects");
        assertEquals(1, subjects.size(), bindings.get(0).toString());
        assertEquals("ServiceAccount", subjects.at("/0/kind").asText());
        assertEquals(account, subjects.at("/0/name").asText());
        assertEquals("rbac.authorization.k8s.io", bindings.get(0).at("/roleRef/apiGroup").asText());
    }

    private static List<JsonNode> ofKind(String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode one(String kind) {
        List<JsonNode> list = ofKind(kind);
        assertEquals(1, list.size(), "one " + kind + " expected: " + names());
        return list.get(0);
    }

    private static List<String> names() {
        return resources.stream().map(r -> r.path("kind").asText() + "/" + r.at("/metadata/name").asText()).toList();
    }

    private static JsonNode serviceTargeting(String targetPort) {
        List<JsonNode> hits = new ArrayList<>();
        for (JsonNode s : ofKind("Service")) {
            for (JsonNode p : s.at("/spec/ports")) {
                if (p.path("targetPort").asText().equals(targetPort)) {
                    hits.add(s);
                }
            }
        }
        assertEquals(1, hits.size(), "one Service for container port '" + targetPort + "' expected: " + names());
        return hits.get(0);
    }

    private static void assertSelectsThePods(JsonNode selector, String what) {
        JsonNode labels = deployment.at("/spec/template/metadata/labels");
        assertFalse(selector.isMissingNode() || selector.isEmpty(), what + " has no selector");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                what + " selects " + e + " but the pods carry " + labels));
    }

    private static Map<String, JsonNode> env() {
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e);
        }
        return env;
    }

    private static void assertSecretRef(Map<String, JsonNode> env, String name) {
        JsonNode e = env.get(name);
        assertNotNull(e, name + " is not set: " + env.keySet());
        JsonNode ref = e.at("/valueFrom/secretKeyRef");
        assertFalse(ref.path("name").asText().isEmpty() || ref.path("key").asText().isEmpty(),
                name + " must come from a Secret: " + e);
    }

    private static List<String> exec(JsonNode probe) {
        assertFalse(probe.isMissingNode(), "probe missing: " + container);
        return texts(probe.at("/exec/command"));
    }

    private static String mountedVolume(String path) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(path)) {
                return m.path("name").asText();
            }
        }
        throw new AssertionError("nothing mounted at " + path + ": " + container.path("volumeMounts"));
    }

    private static JsonNode volume(String name) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name + ": " + pod.path("volumes"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
