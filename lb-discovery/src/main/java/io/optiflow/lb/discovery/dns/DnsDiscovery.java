package io.optiflow.lb.discovery.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.ReferenceCountUtil;
import io.optiflow.lb.discovery.DiscoveredInstance;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryListener;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the DNS on a thread of its own (each answer waited for with the query timeout), then schedules the next
 * query after {@code min(refresh, smallest TTL)} (at least 1 s when the TTL decides). Uses Netty's resolver on a
 * Vert.x event loop, with every cache off, because it gives what Vert.x's DnsClient does not: the records' TTL.
 */
final class DnsDiscovery implements ServiceDiscovery {

    private static final long MIN_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DnsDiscoveryProvider.Config config;
    private final DnsNameResolver resolver;
    private final ScheduledExecutorService thread;
    private DiscoveryListener listener;
    private long ttlNanos = Long.MAX_VALUE; // of the last answer (at least 1 s), thread-confined

    DnsDiscovery(DiscoveryContext context, DnsDiscoveryProvider.Config config) {
        this.config = config;
        EventLoop loop = context.vertx().nettyEventLoopGroup().next();
        DnsNameResolverBuilder b = new DnsNameResolverBuilder(loop)
                .channelType(NioDatagramChannel.class)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .queryTimeoutMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(config.timeoutNanos())))
                .recursionDesired(true)
                .nameServerProvider(config.server() == null ? DnsServerAddressStreamProviders.platformDefault()
                        : new SingletonDnsServerAddressStreamProvider(config.server()));
        this.resolver = b.build();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-discovery-dns-" + context.service());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String describe() {
        return config.record() + " " + config.name() + (config.record().equals("SRV") ? "" : " port " + config.port())
                + (config.server() == null ? "" : " @" + config.server().getHostString() + ":"
                + config.server().getPort());
    }

    @Override
    public void start(DiscoveryListener l) {
        thread.execute(() -> {
            listener = l;
            query();
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
        resolver.close();
    }

    private void query() {
        try {
            long[] minTtl = {Long.MAX_VALUE};
            List<DiscoveredInstance> found = config.record().equals("SRV") ? srv(minTtl) : addresses(minTtl);
            ttlNanos = minTtl[0] == Long.MAX_VALUE ? Long.MAX_VALUE
                    : Math.max(MIN_TTL_NANOS, TimeUnit.SECONDS.toNanos(minTtl[0]));
            listener.onInstances(found);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            listener.onError(describe() + ": " + message(e));
        }
        if (!thread.isShutdown()) {
            // after a failure too: a server that comes back is asked again as soon as the records' TTL allows
            long next = Math.min(config.refreshNanos(), ttlNanos);
            try {
                thread.schedule(this::query, next, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                // closed meanwhile
            }
        }
    }

    private List<DiscoveredInstance> addresses(long[] minTtl) throws Exception {
        DnsRecordType type = config.record().equals("AAAA") ? DnsRecordType.AAAA : DnsRecordType.A;
        List<DiscoveredInstance> out = new ArrayList<>();
        for (String ip : resolve(config.name(), type, minTtl)) {
            out.add(new DiscoveredInstance(config.scheme(), ip, config.port(), 1, Map.of()));
        }
        return out;
    }

    private List<DiscoveredInstance> srv(long[] minTtl) throws Exception {
        List<DnsRecord> records = ask(config.name(), DnsRecordType.SRV);
        List<int[]> fields = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        try {
            for (DnsRecord r : records) {
                if (r.type() != DnsRecordType.SRV || !(r instanceof DnsRawRecord raw)) {
                    continue;
                }
                minTtl[0] = Math.min(minTtl[0], r.timeToLive());
                ByteBuf c = raw.content().duplicate();
                int priority = c.readUnsignedShort();
                int weight = c.readUnsignedShort();
                int port = c.readUnsignedShort();
                String target = DefaultDnsRecordDecoder.decodeName(c);
                fields.add(new int[] {priority, weight, port});
                targets.add(target);
            }
        } finally {
            records.forEach(ReferenceCountUtil::release);
        }
        int best = Integer.MAX_VALUE;
        for (int[] f : fields) {
            best = Math.min(best, f[0]);
        }
        Map<String, DiscoveredInstance> out = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            int[] f = fields.get(i);
            if (f[0] != best || f[2] == 0) {
                continue;
            }
            List<String> ips = resolve(targets.get(i), DnsRecordType.A, minTtl);
            if (ips.isEmpty()) {
                ips = resolve(targets.get(i), DnsRecordType.AAAA, minTtl);
            }
            int weight = Math.max(1, Math.min(10_000, f[1])); // SRV weight 0 means "rarely": the lowest we have
            for (String ip : ips) {
                DiscoveredInstance d = new DiscoveredInstance(config.scheme(), ip, f[2], weight,
                        Map.of("target", stripDot(targets.get(i))));
                out.putIfAbsent(d.id(), d);
            }
        }
        return new ArrayList<>(out.values());
    }

    private List<String> resolve(String name, DnsRecordType type, long[] minTtl) throws Exception {
        List<DnsRecord> records = ask(name, type);
        List<String> out = new ArrayList<>();
        try {
            for (DnsRecord r : records) {
                if (r.type() != type || !(r instanceof DnsRawRecord raw)) {
                    continue;
                }
                minTtl[0] = Math.min(minTtl[0], r.timeToLive());
                ByteBuf c = raw.content();
                byte[] addr = new byte[c.readableBytes()];
                c.getBytes(c.readerIndex(), addr);
                if (addr.length == 4 || addr.length == 16) {
                    out.add(InetAddress.getByAddress(addr).getHostAddress());
                }
            }
        } finally {
            records.forEach(ReferenceCountUtil::release);
        }
        return out;
    }

    private List<DnsRecord> ask(String name, DnsRecordType type) throws Exception {
        long timeout = config.timeoutNanos() * 3;
        try {
            return resolver.resolveAll(new DefaultDnsQuestion(name, type)).get(timeout, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.UnknownHostException && !timedOut(cause)) {
                return List.of(); // NXDOMAIN or no record of this type: an empty answer
            }
            throw cause instanceof Exception ex ? ex : e;
        }
    }

    /** Whether the server did not answer (as opposed to answering "no such name"). */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.netty.resolver.dns.DnsNameResolverTimeoutException
                    || t instanceof java.net.PortUnreachableException) {
                return true;
            }
        }
        return false;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
