package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class RequestHeadsTest {

    @Test
    void ownNames_eachPassesNettysNameCheck() {
        for (AsciiString name : RequestHeads.OWN_NAMES) {
            assertDoesNotThrow(() -> DefaultHttpHeadersFactory.headersFactory().getNameValidator().validateName(name),
                    name.toString());
        }
    }

    @Test
    void nameCheck_namesFromAClient_checkedAsNettyDoes() {
        for (String bad : new String[] {"bad name", "x\u0000y", "a:b", "", "host\r"}) {
            assertThrows(IllegalArgumentException.class, () -> RequestHeads.NAMES.validateName(bad), bad);
        }
        // an equal name that is not the proxy's own object is checked too (and passes)
        assertDoesNotThrow(() -> RequestHeads.NAMES.validateName(new AsciiString("x-forwarded-for")));
        assertDoesNotThrow(() -> RequestHeads.NAMES.validateName("X-Custom"));
    }
}
