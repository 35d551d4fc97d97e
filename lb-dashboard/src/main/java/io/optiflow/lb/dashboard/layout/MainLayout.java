package io.optiflow.lb.dashboard.layout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.theme.lumo.Lumo;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.dashboard.security.DashboardUser;
import jakarta.inject.Inject;

/** The frame of every page: title, the logged-in user and role, theme toggle, logout; navigation on the side. */
@StyleSheet("context://dashboard.css")
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    private final Span pageTitle = new Span();

    @Inject
    public MainLayout(ControlPlane control) {
        DashboardUser user = DashboardUser.current().orElse(new DashboardUser("?", false));
        Span brand = new Span("OptiFlow LB");
        brand.addClassName("brand");
        pageTitle.addClassName("page-title");
        Span who = new Span(user.name() + " · " + (user.operator() ? "operator" : "read-only"));
        who.setId("current-user");
        who.addClassNames("user-badge", user.operator() ? "operator" : "viewer");
        Button theme = new Button(VaadinIcon.ADJUST.create(), e -> toggleTheme());
        theme.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        theme.setAriaLabel("Light or dark");
        theme.setTooltipText("Light or dark");
        Button logout = new Button("Log out", VaadinIcon.SIGN_OUT.create(), e -> logout());
        logout.setId("logout");
        logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div spacer = new Div();
        spacer.addClassName("spacer");
        Div bar = new Div(new DrawerToggle(), brand, pageTitle, spacer, who, theme, logout);
        bar.addClassName("top-bar");
        addToNavbar(true, bar);

        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Overview", "", VaadinIcon.DASHBOARD.create()));
        SideNavItem services = new SideNavItem("Services");
        services.setPrefixComponent(VaadinIcon.SITEMAP.create());
        services.setExpanded(true);
        for (ServiceView s : control.services()) {
            services.addItem(new SideNavItem(s.name(), "services/" + s.name()));
        }
        nav.addItem(services);
        nav.addItem(new SideNavItem("Activity", "activity", VaadinIcon.TIME_BACKWARD.create()));
        nav.addItem(new SideNavItem("Strategies & plug-ins", "strategies", VaadinIcon.PLUG.create()));
        nav.addItem(new SideNavItem("Cluster", "cluster", VaadinIcon.CLUSTER.create()));
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        Object page = getContent();
        String title = page instanceof HasDynamicTitle d ? d.getPageTitle()
                : page != null && page.getClass().isAnnotationPresent(PageTitle.class)
                ? page.getClass().getAnnotation(PageTitle.class).value() : "";
        pageTitle.setText(title.replace(" · OptiFlow LB", ""));
    }

    private static void toggleTheme() {
        var themes = UI.getCurrent().getElement().getThemeList();
        if (themes.contains(Lumo.DARK)) {
            themes.remove(Lumo.DARK);
        } else {
            themes.add(Lumo.DARK);
        }
    }

    /** Ends the Vaadin session here, then lets the server drop the login cookie. */
    private static void logout() {
        UI.getCurrent().getPage().setLocation("/logout");
        VaadinSession.getCurrent().getSession().invalidate();
    }
}
