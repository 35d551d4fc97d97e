package io.optiflow.lb.core.registry;

import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Built-ins from the class path plus one class loader per plug-in JAR. The scan runs on one thread at a time
 * (synchronized); readers see an immutable {@link Snapshot} through one volatile field.
 */
final class DefaultStrategyRegistry implements StrategyRegistry {

    static final String BUILT_IN = "built-in";
    static final long SCAN_PERIOD_MILLIS = 2_000;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final System.Logger LOG = System.getLogger(StrategyRegistry.class.getName());

    /** One provider found, with where it came from. */
    private record Candidate(StrategyProvider<?> provider, String name, int priority, String description,
                             ConfigSchema schema, String source) {
    }

    /** What one JAR file contributed; {@code loader} is null when the JAR is broken. */
    private record Plugin(Path file, long size, long mtime, URLClassLoader loader, List<Candidate> candidates,
                          List<String> problems) {

        boolean sameFile(long otherSize, long otherMtime) {
            return size == otherSize && mtime == otherMtime;
        }
    }

    private record Snapshot(Map<String, Candidate> byName, List<StrategyDescriptor> descriptors,
                            List<String> problems) {
    }

    private final Path pluginsDir;
    private final List<Candidate> builtIns;
    private final List<String> builtInProblems;
    private final Map<String, Plugin> plugins = new TreeMap<>(); // by file name; guarded by this
    private volatile Snapshot snapshot;
    private ScheduledFuture<?> task; // guarded by this
    private boolean closed; // guarded by this
    private List<String> lastFolderProblems = List.of(); // guarded by this

    DefaultStrategyRegistry(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
        List<String> problems = new ArrayList<>();
        this.builtIns = loadBuiltIns(problems);
        this.builtInProblems = List.copyOf(problems);
        scan();
    }

    @Override
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (closed || task != null || pluginsDir == null) {
            return;
        }
        task = scheduler.scheduleWithFixedDelay(this::scanSafely, SCAN_PERIOD_MILLIS, SCAN_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public List<StrategyDescriptor> strategies() {
        return snapshot.descriptors();
    }

    @Override
    public Optional<StrategyProvider<?>> find(String name) {
        Candidate c = name == null ? null : snapshot.byName().get(name);
        return c == null ? Optional.empty() : Optional.of(c.provider());
    }

    /** The descriptor of that name, if offered. */
    Optional<StrategyDescriptor> descriptor(String name) {
        for (StrategyDescriptor d : snapshot.descriptors()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> problems() {
        return snapshot.problems();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (task != null) {
            task.cancel(false);
        }
        for (Plugin p : plugins.values()) {
            closeQuietly(p.loader());
        }
        plugins.clear();
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException | Error e) { // a scheduled task that throws is never run again
            LOG.log(Level.WARNING, "plug-ins scan of " + pluginsDir + " failed; retrying in 2 s", e);
        }
    }

    /** Re-reads the plug-ins folder: new or changed JARs loaded, removed JARs unloaded. Package-private for tests. */
    synchronized void scan() {
        if (closed) {
            return;
        }
        Map<String, Path> seen = new TreeMap<>();
        List<String> folderProblems = new ArrayList<>();
        if (pluginsDir != null && Files.exists(pluginsDir) && !Files.isDirectory(pluginsDir)) {
            folderProblems.add("plug-ins folder " + pluginsDir + ": not a folder (expected: a folder of *.jar files)");
        }
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(pluginsDir, "*.jar")) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p)) {
                        seen.put(p.getFileName().toString(), p);
                    }
                }
            } catch (IOException e) {
                folderProblems.add("plug-ins folder " + pluginsDir + ": cannot list (" + e + ")");
            }
        }
        List<URLClassLoader> toClose = new ArrayList<>();
        boolean changed = snapshot == null || !folderProblems.equals(lastFolderProblems);
        for (Iterator<Map.Entry<String, Plugin>> it = plugins.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Plugin> e = it.next();
            if (!seen.containsKey(e.getKey())) {
                LOG.log(Level.INFO, "plug-in " + e.getKey() + " removed: its strategies are no longer offered");
                toClose.add(e.getValue().loader());
                it.remove();
                changed = true;
            }
        }
        for (Map.Entry<String, Path> e : seen.entrySet()) {
            long size;
            long mtime;
            try {
                BasicFileAttributes a = Files.readAttributes(e.getValue(), BasicFileAttributes.class);
                size = a.size();
                mtime = a.lastModifiedTime().toMillis();
            } catch (IOException ex) {
                continue; // vanished while listing: the next scan sees it gone
            }
            Plugin old = plugins.get(e.getKey());
            if (old != null && old.sameFile(size, mtime)) {
                continue;
            }
            Plugin loaded = loadPlugin(e.getValue(), size, mtime);
            if (old != null) {
                toClose.add(old.loader());
            }
            plugins.put(e.getKey(), loaded);
            changed = true;
        }
        if (changed) { // an unchanged folder publishes nothing (and logs nothing)
            lastFolderProblems = folderProblems;
            publish(folderProblems);
        }
        // close after publishing, so no reader is handed a provider of a closed loader by a fresh lookup
        for (URLClassLoader l : toClose) {
            closeQuietly(l);
        }
    }

    private void publish(List<String> folderProblems) {
        List<Candidate> all = new ArrayList<>(builtIns);
        List<String> problems = new ArrayList<>(builtInProblems);
        problems.addAll(folderProblems);
        for (Plugin p : plugins.values()) {
            all.addAll(p.candidates());
            problems.addAll(p.problems());
        }
        Map<String, Candidate> winners = new TreeMap<>();
        for (Candidate c : all) {
            Candidate held = winners.get(c.name());
            if (held == null) {
                winners.put(c.name(), c);
            } else {
                // highest priority wins; on a tie the earlier one (built-ins first, then JARs by file name)
                Candidate win = c.priority() > held.priority() ? c : held;
                Candidate lose = win == c ? held : c;
                winners.put(c.name(), win);
                LOG.log(Level.INFO, "strategy '" + c.name() + "': " + describe(win) + " wins over "
                        + describe(lose) + " (highest priority wins a name clash)");
            }
        }
        List<StrategyDescriptor> descriptors = new ArrayList<>(winners.size());
        for (Candidate c : winners.values()) {
            descriptors.add(new StrategyDescriptor(c.name(), c.description(), c.priority(), c.schema(), c.source()));
        }
        snapshot = new Snapshot(Collections.unmodifiableMap(new LinkedHashMap<>(winners)), List.copyOf(descriptors),
                List.copyOf(problems));
    }

    private static String describe(Candidate c) {
        return c.provider().getClass().getName() + " (priority " + c.priority() + ", " + c.source() + ")";
    }

    private static List<Candidate> loadBuiltIns(List<String> problems) {
        List<Candidate> out = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        ClassLoader apiLoader = StrategyProvider.class.getClassLoader();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(apiLoader);
        if (tccl != null && tccl != apiLoader) {
            loaders.add(tccl);
        }
        for (ClassLoader loader : loaders) {
            @SuppressWarnings("rawtypes")
            Iterator<StrategyProvider> it = ServiceLoader.load(StrategyProvider.class, loader).iterator();
            // bounded: a ServiceLoader iterator moves past a bad entry on each error
            for (int guard = 0; guard < 10_000; guard++) {
                StrategyProvider<?> p;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    p = it.next();
                } catch (ServiceConfigurationError e) {
                    String msg = "class path: a strategy provider failed to load (" + rootMessage(e) + ")";
                    LOG.log(Level.WARNING, msg, e);
                    problems.add(msg);
                    continue;
                }
                if (!seen.add(p.getClass())) {
                    continue;
                }
                try {
                    Candidate c = describeProvider(p, BUILT_IN, problems);
                    if (c != null) {
                        out.add(c);
                    }
                } catch (RuntimeException | LinkageError e) {
                    String msg = "class path: provider " + p.getClass().getName() + " failed (" + rootMessage(e) + ")";
                    LOG.log(Level.WARNING, msg, e);
                    problems.add(msg);
                }
            }
        }
        return out;
    }

    /**
     * Reads a provider's name, priority, availability and schema. Returns null (and maybe adds a problem) for a
     * provider that is unavailable or badly named; lets a provider's own exception through.
     */
    private static Candidate describeProvider(StrategyProvider<?> p, String source, List<String> problems) {
        String name = p.name();
        if (name == null || !NAME.matcher(name).matches()) {
            String msg = source + ": provider " + p.getClass().getName() + " has name '" + name
                    + "' (expected: kebab-case, [a-z][a-z0-9-]*); skipped";
            LOG.log(Level.WARNING, msg);
            problems.add(msg);
            return null;
        }
        if (!p.isAvailable()) {
            LOG.log(Level.DEBUG, "strategy '" + name + "' from " + source + " is not available here; not offered");
            return null;
        }
        int priority = p.priority();
        String description = p.description();
        ConfigSchema schema = p.configSchema();
        if (schema == null) {
            throw new IllegalStateException("configSchema() returned null");
        }
        return new Candidate(p, name, priority, description == null ? "" : description, schema, source);
    }

    private static Plugin loadPlugin(Path file, long size, long mtime) {
        String fileName = file.getFileName().toString();
        try (JarFile jar = new JarFile(file.toFile())) {
            jar.size(); // opening checks the zip directory: a non-zip fails here
        } catch (IOException | RuntimeException e) {
            return broken(file, size, mtime, null, "not a readable JAR (" + rootMessage(e) + ")", e);
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin:" + fileName, new java.net.URL[]{file.toUri().toURL()},
                    StrategyProvider.class.getClassLoader());
        } catch (IOException e) {
            return broken(file, size, mtime, null, "cannot open (" + rootMessage(e) + ")", e);
        }
        List<Candidate> candidates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String source = fileName;
        try {
            // the JAR's own listing only: a ServiceLoader over this loader would also read the class path's
            // listings (parent first), and a bad entry there must not break every plug-in
            for (String className : ownListing(loader)) {
                Class<?> cls = Class.forName(className, true, loader);
                if (!StrategyProvider.class.isAssignableFrom(cls)) {
                    throw new IllegalStateException(className + " does not implement "
                            + StrategyProvider.class.getName());
                }
                if (cls.getClassLoader() != loader) {
                    continue; // a class path provider listed again in the JAR: already a built-in
                }
                StrategyProvider<?> provider = (StrategyProvider<?>) cls.getConstructor().newInstance();
                Candidate c = describeProvider(provider, source, problems);
                if (c != null) {
                    candidates.add(c);
                }
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            return broken(file, size, mtime, loader, "a strategy provider failed (" + rootMessage(e) + ")", e);
        }
        if (candidates.isEmpty() && problems.isEmpty()) {
            problems.add(fileName + ": no strategy provider found (expected: a listing in META-INF/services/"
                    + StrategyProvider.class.getName() + ")");
        }
        for (Candidate c : candidates) {
            LOG.log(Level.INFO, "plug-in " + fileName + " offers strategy '" + c.name() + "' (priority "
                    + c.priority() + ")");
        }
        return new Plugin(file, size, mtime, loader, List.copyOf(candidates), List.copyOf(problems));
    }

    /** Provider class names from this JAR's {@code META-INF/services} file (not its parents'). */
    private static List<String> ownListing(URLClassLoader loader) throws IOException {
        List<String> names = new ArrayList<>();
        java.util.Enumeration<java.net.URL> urls = loader.findResources("META-INF/services/"
                + StrategyProvider.class.getName());
        while (urls.hasMoreElements()) {
            java.net.URLConnection c = urls.nextElement().openConnection();
            c.setUseCaches(false); // a replaced JAR must not be read through a stale cached JarFile
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    c.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!name.isEmpty() && !names.contains(name)) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static Plugin broken(Path file, long size, long mtime, URLClassLoader loader, String cause, Throwable e) {
        String fileName = file.getFileName().toString();
        closeQuietly(loader);
        String msg = fileName + ": " + cause + "; nothing loaded from this JAR";
        LOG.log(Level.WARNING, "plug-in " + msg, e);
        return new Plugin(file, size, mtime, null, List.of(), List.of(msg));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(String.valueOf(e));
        for (int i = 0; i < 5 && t.getCause() != null && t.getCause() != t; i++) {
            t = t.getCause();
            sb.append(" <- ").append(t);
        }
        return sb.toString();
    }

    private static void closeQuietly(URLClassLoader loader) {
        if (loader == null) {
            return;
        }
        try {
            loader.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing " + loader.getName(), e);
        }
    }

}
