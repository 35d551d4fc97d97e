package io.optiflow.lb.dashboard;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.component.page.Viewport;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.shared.ui.Transport;

/**
 * The page shell of every dashboard page. Server push over a WebSocket carries the live numbers; the browser's own
 * requests (clicks, form posts) go as plain HTTP requests, so each carries the session cookie and gets a response
 * (WEBSOCKET_XHR).
 */
@Push(transport = Transport.WEBSOCKET_XHR)
@Viewport("width=device-width, initial-scale=1")
public class DashboardShell implements AppShellConfigurator {

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle("OptiFlow LB");
        settings.addMetaTag("color-scheme", "dark light");
    }
}
