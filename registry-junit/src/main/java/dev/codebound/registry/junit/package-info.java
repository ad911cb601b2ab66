/**
 * The mock registry as a JUnit 5 extension, for integrators' test suites: {@link
 * dev.codebound.registry.junit.CodeboundRegistry} starts an in-process registry on 127.0.0.1 with an
 * ephemeral port and a temporary data directory, hands out enrolled station credentials and issued
 * codes, controls the fault plan and reads the request journal, and stops the registry afterwards.
 * See docs/registry-api.md, "Testing with JUnit 5".
 */
package dev.codebound.registry.junit;
