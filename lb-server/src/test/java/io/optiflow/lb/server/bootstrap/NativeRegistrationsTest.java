package io.optiflow.lb.server.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.core.importer.Locations;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a native image reaches by reflection is registered for it ({@link NativeRegistrations}, the admin JSON
 * types, the ServiceLoader listings as resources). Checked in the JVM, where the same code runs: the native image
 * itself is never built on the project's machines (docs/deployment.md).
 */
class NativeRegistrationsTest {

    private static final Set<String> REFLECTIVE_CALLS = Set.of("findVarHandle", "findStaticVarHandle",
            "getDeclaredField", "getDeclaredFields", "getDeclaredMethod", "getDeclaredMethods", "getDeclaredConstructor",
            "getDeclaredConstructors", "getRecordComponents");
    /** Reflection that never runs in a native image, and why. */
    private static final Map<String, String> NOT_IN_NATIVE = Map.of(
            "io.optiflow.lb.core.registry.DefaultStrategyRegistry",
            "loads plug-in JARs from the plug-ins folder, which a native image refuses (PluginsFolder)");

    private static Set<String> registered() {
        RegisterForReflection r = NativeRegistrations.class.getAnnotation(RegisterForReflection.class);
        Set<String> names = new HashSet<>(Arrays.asList(r.classNames()));
        for (Class<?> c : r.targets()) {
            names.add(c.getName());
        }
        return names;
    }

    @Test
    void serviceLoaderProviders_ofEveryOptiflowSpi_areRegisteredAndTheirListingsIncluded() throws IOException {
        Map<String, List<String>> listings = optiflowServiceListings();
        assertFalse(listings.isEmpty(), "no META-INF/services listing found: the scan is broken");
        assertTrue(listings.containsKey("io.optiflow.lb.api.spi.StrategyProvider"), listings.keySet().toString());
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, List<String>> e : listings.entrySet()) {
            for (String provider : e.getValue()) {
                if (!registered().contains(provider)) {
                    missing.add(provider + " (listed for " + e.getKey() + ")");
                }
            }
        }
        assertEquals(Set.of(), missing, "ServiceLoader finds these only if they are registered for reflection in a"
                + " native image: add them to NativeRegistrations' targets");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(java.nio.file.Path.of("src", "main", "resources",
                "application.properties"))) {
            p.load(in);
        }
        assertEquals("META-INF/services/io.optiflow.**", p.getProperty("quarkus.native.resources.includes"),
                "the listings themselves must be resources of the native image");
    }

    @Test
    void reflectiveLookups_inOurCode_areRegisteredForTheirClass() {
        JavaClasses ours = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.optiflow.lb");
        Set<String> missing = new TreeSet<>();
        for (JavaClass c : ours) {
            for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                String owner = call.getTargetOwner().getName();
                boolean reflective = REFLECTIVE_CALLS.contains(call.getName())
                        && (owner.equals("java.lang.Class") || owner.equals("java.lang.invoke.MethodHandles$Lookup"));
                String top = c.getName().replaceFirst("\\$.*", "");
                if (reflective && !registered().contains(c.getName()) && !NOT_IN_NATIVE.containsKey(top)) {
                    missing.add(c.getName() + " calls " + owner + "." + call.getName() + " at "
                            + call.getSourceCodeLocation());
                }
            }
        }
        assertEquals(Set.of(), missing, "register these classes in NativeRegistrations (classNames for package-private"
                + " ones), or the lookup fails in a native image");
    }

    @Test
    void adminApiJson_everyTypeReachableFromAResource_isRegistered() throws ClassNotFoundException {
        Set<Class<?>> reached = new HashSet<>();
        List<Class<?>> resources = new ArrayList<>();
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.optiflow.lb.server.admin")) {
            if (c.isAnnotatedWith(Path.class)) {
                resources.add(Class.forName(c.getName()));
            }
        }
        assertTrue(resources.size() >= 3, "admin resources found: " + resources);
        for (Class<?> resource : resources) {
            for (Method m : resource.getDeclaredMethods()) {
                if (Stream.of(GET.class, PUT.class, POST.class, PATCH.class, DELETE.class)
                        .anyMatch(m::isAnnotationPresent)) {
                    collect(m.getGenericReturnType(), reached);
                }
            }
        }
        // Responses built by hand (201 Created, the error body of the exception mapper) carry AdminJson types too.
        Class<?> adminJson = Class.forName("io.optiflow.lb.server.admin.AdminJson");
        for (Class<?> nested : adminJson.getDeclaredClasses()) {
            collect(nested, reached);
        }
        List<String> missing = new ArrayList<>();
        for (Class<?> c : reached) {
            if (c.getName().startsWith("io.optiflow.") && !c.isAnnotationPresent(RegisterForReflection.class)
                    && !registered().contains(c.getName())) {
                missing.add(c.getName());
            }
        }
        assertTrue(reached.size() >= 6, "too few JSON types found, the walk is broken: " + reached);
        assertEquals(List.of(), missing, "Jackson serializes these by reflection: annotate them @RegisterForReflection");
    }

    /** A type and, for records, the types of their components (generic arguments included). */
    private static void collect(Type type, Set<Class<?>> out) {
        if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), out);
            for (Type arg : p.getActualTypeArguments()) {
                collect(arg, out);
            }
        } else if (type instanceof Class<?> c && !c.isPrimitive() && out.add(c) && c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                collect(rc.getGenericType(), out);
            }
        }
    }

    /** Every {@code META-INF/services/io.optiflow.*} listing in our modules' class path roots, by SPI. */
    private static Map<String, List<String>> optiflowServiceListings() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        for (Location l : Locations.ofPackage("io.optiflow.lb")) {
            URI uri = l.asURI();
            String s = uri.toString();
            if (s.contains("/test-classes/")) {
                continue;
            }
            if (s.startsWith("jar:")) {
                String file = s.substring("jar:".length(), s.indexOf("!/"));
                try (JarFile jar = new JarFile(new java.io.File(URI.create(file)))) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        if (e.getName().startsWith("META-INF/services/io.optiflow.")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                add(out, e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            } else {
                java.nio.file.Path root = java.nio.file.Path.of(URI.create(s.substring(0, s.indexOf("/io/optiflow/lb")
                        + 1)));
                java.nio.file.Path services = root.resolve("META-INF").resolve("services");
                if (Files.isDirectory(services)) {
                    try (Stream<java.nio.file.Path> files = Files.list(services)) {
                        for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString()
                                .startsWith("io.optiflow.")).toList()) {
                            add(out, "META-INF/services/" + f.getFileName(), Files.readString(f));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void add(Map<String, List<String>> out, String entry, String listing) {
        String spi = entry.substring("META-INF/services/".length());
        for (String line : listing.split("\n")) {
            String name = line.replaceFirst("#.*", "").strip();
            if (!name.isEmpty()) {
                out.computeIfAbsent(spi, k -> new ArrayList<>()).add(name);
            }
        }
    }
}
