package io.optiflow.lb.dashboard.security;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

/**
 * The login page. The form posts to the server's form login ({@code j_security_check}), which checks the user
 * and password exactly as the admin API's HTTP Basic does; a refusal comes back as {@code /login?error}.
 */
@Route("login")
@PageTitle("Log in · OptiFlow LB")
@StyleSheet("context://dashboard.css")
public class LoginView extends Main implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private final Paragraph note = new Paragraph();

    public LoginView() {
        addClassName("login-view");
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("OptiFlow LB");
        i18n.getForm().setUsername("User");
        i18n.getErrorMessage().setTitle("Wrong user or password");
        i18n.getErrorMessage().setMessage("Check the user name and password (the same as for the admin API)"
                + " and try again.");
        form.setI18n(i18n);
        form.setAction("j_security_check");
        form.setForgotPasswordButtonVisible(false);
        note.addClassName("login-note");
        note.setVisible(false);
        Div box = new Div(form, note);
        box.addClassName("login-box");
        add(box);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var params = event.getLocation().getQueryParameters().getParameters();
        form.setError(params.containsKey("error"));
        if (params.containsKey("logout")) {
            note.setText("You are logged out.");
            note.setVisible(true);
        }
    }
}
