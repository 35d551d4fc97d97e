package io.optiflow.lb.server.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps browsers on other sites from changing anything through the admin API. A browser that has the admin's Basic
 * credentials cached sends them with any request to the admin plane, also one a hostile page triggers (a form
 * POST, a no-cors fetch). Such requests are refused before any resource runs:
 * <ul>
 *   <li>a change (anything but GET, HEAD, OPTIONS) with an {@code Origin} other than the admin plane's own, or with
 *       {@code Sec-Fetch-Site} other than {@code same-origin}/{@code none}: 403;</li>
 *   <li>a change with a body that is not declared JSON ({@code application/json} or {@code application/*+json}):
 *       415. A form post with fields always carries a form type, so none gets through.</li>
 * </ul>
 * A change without a body (a reset) may carry any type, as many clients send a form type by default; a browser
 * sending it from another site is refused by its {@code Origin}, which browsers send with every cross-site POST.
 * There is no CORS: no {@code Access-Control-Allow-*} header is ever sent, so other sites cannot read answers
 * either. Clients that are not browsers (curl, scripts) send no {@code Origin} and are not affected beyond
 * declaring their JSON.
 */
@Provider
@PreMatching
public class CrossSiteGuard implements ContainerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");

    @Override
    public void filter(ContainerRequestContext request) {
        if (READS.contains(request.getMethod())) {
            return;
        }
        String origin = request.getHeaderString("Origin");
        String host = request.getHeaderString(HttpHeaders.HOST);
        if (origin != null && !sameOrigin(origin, host)) {
            refuse(request, Response.Status.FORBIDDEN, "Origin: '" + origin + "' is another site than this admin"
                    + " plane (" + host + "); changes are taken from the admin plane's own pages and from clients"
                    + " that are not browsers");
            return;
        }
        String fetchSite = request.getHeaderString("Sec-Fetch-Site");
        if (fetchSite != null && !SAME_SITE_FETCHES.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
            refuse(request, Response.Status.FORBIDDEN, "Sec-Fetch-Site: '" + fetchSite + "' (expected: same-origin;"
                    + " a browser on another site may not change anything here)");
            return;
        }
        String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (hasBody(request) && !isJson(type)) {
            refuse(request, Response.Status.UNSUPPORTED_MEDIA_TYPE, "Content-Type: "
                    + (type == null ? "missing" : "'" + type + "'")
                    + " (expected: application/json; with curl: -H 'Content-Type: application/json')");
        }
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin.trim());
            String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
            if (o.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return false; // "null" (sandboxed pages, file:) and anything odd
            }
            int port = o.getPort() >= 0 ? o.getPort() : scheme.equals("https") ? 443 : 80;
            String h = host.trim().toLowerCase(Locale.ROOT);
            String originHost = o.getHost().toLowerCase(Locale.ROOT);
            return h.equals(originHost + ":" + port) || (h.equals(originHost) && port == (scheme.equals("https")
                    ? 443 : 80));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.getHeaderString("Transfer-Encoding") != null;
    }

    /** {@code application/json} or {@code application/<something>+json}, parameters (charset) allowed. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json")
                && t.indexOf('/') == t.lastIndexOf('/'));
    }

    private static void refuse(ContainerRequestContext request, Response.Status status, String message) {
        request.abortWith(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminJson.Errors(List.of(message))).build());
    }
}
