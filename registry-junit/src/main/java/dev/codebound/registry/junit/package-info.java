/**
 * The mock registry as a JUnit 5 extension, for integrators' test suites and the agent's own end-to-end
 * tests: {@link dev.codebound.registry.junit.CodeboundRegistry} starts an in-process registry on 127.0.0.1
 * with an ephemeral port over a temporary data directory (or one the test names), hands out enrolled station
 * credentials, enrollment tokens and issued codes, controls the fault plan, reads the request journal and the
 * uploads, restarts the registry over the same data and port, and stops it afterwards. See
 * docs/registry-api.md, "Testing with JUnit 5".
 *
 * <p>It goes through the registry's own HTTP routes wherever an integrator's system would, and must not
 * depend on the agent; the mock server's own tests cannot use it, since it depends on the mock server.
 */
package dev.codebound.registry.junit;
