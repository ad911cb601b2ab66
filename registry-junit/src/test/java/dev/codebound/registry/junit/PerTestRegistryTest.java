package dev.codebound.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** In an instance field the registry is started afresh for each test: nothing carries over. */
class PerTestRegistryTest {
    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().plain().build();

    @RepeatedTest(2)
    void eachTestStartsWithAnEmptyRegistry() throws Exception {
        assertEquals(0, registry.server().registry().stations().all().size(), "no station from an earlier test");
        registry.enrollStation();
        assertEquals(1, registry.server().registry().stations().all().size());
    }
}
