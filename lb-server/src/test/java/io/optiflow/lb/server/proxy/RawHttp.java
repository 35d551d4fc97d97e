package io.optiflow.lb.server.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/** HTTP/1.1 spoken by hand over a socket, for tests that need control over every byte and every read. */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * A backend on a free loopback port whose connections are each served by {@code serve} (a daemon thread
     * accepts them); closing the returned socket stops it.
     */
    static ServerSocket backend(String name, Consumer<Socket> serve) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptEach(server, serve), name);
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /** Accepts connections until {@code server} closes, each served by {@code serve} on a daemon thread of its own. */
    static void acceptEach(ServerSocket server, Consumer<Socket> serve) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve.accept(s), Thread.currentThread().getName() + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** What a scripted backend does with one request head; false when the connection ends after its answer. */
    interface Answer {
        boolean answer(String head, OutputStream out) throws IOException, InterruptedException;
    }

    /** Serves {@code s} (at most 30 s of silence): each request head goes to {@code answer}, until either side ends. */
    static void serveHeads(Socket s, Answer answer) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            while (!(head = readHead(in)).isEmpty() && answer.answer(head, out)) {
                // next request
            }
        } catch (IOException e) {
            // connection gone, or the test is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response head and its Content-Length body (none for 101). */
    static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String head = readHead(in);
        String len = headerValue(head, "content-length");
        return head + new String(in.readNBytes(len == null ? 0 : Integer.parseInt(len)), StandardCharsets.ISO_8859_1);
    }

    /** A message head up to and including its blank line; empty when the stream ended first. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        int state = 0; // how much of CR LF CR LF has been seen
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = c == '\r' ? (state == 2 ? 3 : 1) : c == '\n' && (state == 1 || state == 3) ? state + 1 : 0;
            if (state == 4) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value of header {@code name} (lower case) in {@code head}, or null. */
    static String headerValue(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A chunk-size line ({@code 1a2b}), without its CR LF. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
