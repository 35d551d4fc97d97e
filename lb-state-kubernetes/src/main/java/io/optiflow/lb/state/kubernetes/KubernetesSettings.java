package io.optiflow.lb.state.kubernetes;

import io.optiflow.lb.core.state.StoreSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Kubernetes store's settings ({@code lb.state.kubernetes.*}), parsed once: errors as values, each naming the key.
 *
 * @param namespace    the ConfigMap's namespace, or null for the pod's own (or the kube config's)
 * @param configMap    the ConfigMap's name
 * @param masterUrl    the API server, or null to find it as a pod (or from the kube config) does
 * @param timeout      the longest any call waits
 * @param auditEntries audit entries kept in the ConfigMap (the newest)
 */
record KubernetesSettings(String namespace, String configMap, String masterUrl, Duration timeout, int auditEntries) {

    static final String KEY = "lb.state.kubernetes.";
    static final String DEFAULT_CONFIG_MAP = "optiflow-lb-state";
    static final int DEFAULT_AUDIT_ENTRIES = 500;
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Set<String> KNOWN = Set.of("namespace", "config-map", "master-url", "timeout",
            "audit-entries");

    static KubernetesSettings parse(Map<String, String> config, List<String> errors) {
        for (String k : config.keySet()) {
            if (!KNOWN.contains(k)) {
                errors.add(KEY + k + ": unknown key (expected one of " + new TreeSet<>(KNOWN) + ")");
            }
        }
        String namespace = StoreSettings.blankToNull(config.get("namespace"));
        if (namespace != null && !DNS_NAME.matcher(namespace).matches()) {
            errors.add(KEY + "namespace: '" + namespace + "' (expected: a Kubernetes namespace name)");
        }
        String cm = config.getOrDefault("config-map", DEFAULT_CONFIG_MAP).trim();
        if (!DNS_NAME.matcher(cm).matches()) {
            errors.add(KEY + "config-map: '" + cm + "' (expected: a ConfigMap name: lower-case letters, digits,"
                    + " '-' and '.')");
        }
        String master = StoreSettings.blankToNull(config.get("master-url"));
        if (master != null && !(master.startsWith("https://") || master.startsWith("http://"))) {
            errors.add(KEY + "master-url: '" + master + "' (expected: https://host:port of the API server)");
        }
        Duration timeout = Duration.ofSeconds(2);
        String t = StoreSettings.blankToNull(config.get("timeout"));
        if (t != null) {
            timeout = StoreSettings.duration(t);
            if (timeout == null) {
                errors.add(KEY + "timeout: '" + t + "' (expected: a positive duration like 2s or 500ms)");
                timeout = Duration.ofSeconds(2);
            }
        }
        int audit = DEFAULT_AUDIT_ENTRIES;
        String a = StoreSettings.blankToNull(config.get("audit-entries"));
        if (a != null) {
            try {
                audit = Integer.parseInt(a);
            } catch (NumberFormatException e) {
                audit = -1;
            }
            if (audit < 1 || audit > 2000) {
                errors.add(KEY + "audit-entries: '" + a + "' (expected: 1 to 2000; a ConfigMap holds 1 MiB)");
                audit = DEFAULT_AUDIT_ENTRIES;
            }
        }
        return new KubernetesSettings(namespace, cm, master, timeout, audit);
    }

}
