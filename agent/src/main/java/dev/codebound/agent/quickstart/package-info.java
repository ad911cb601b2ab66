/**
 * {@code codebound-agent quickstart}: the whole story end to end on embedded defaults, as a tutorial that
 * runs. {@link dev.codebound.agent.quickstart.Quickstart} starts the mock registry as a separate process
 * from its jar ({@link dev.codebound.agent.quickstart.RegistryProcess}, found by
 * {@link dev.codebound.agent.quickstart.ServerJarLocator}), plays the registry administrator over its admin
 * API ({@link dev.codebound.agent.quickstart.RegistryAdminClient}) and runs the real agent commands, printing
 * each before it runs.
 *
 * <p>It owns its workspace directory (cleared only when an earlier quickstart made it) and four synthetic
 * photos shipped as resources beside {@code Quickstart}, drawn once by the test kit. It must not be used by
 * any station flow, must not generate photos, and must not clear a directory it did not make.
 */
package dev.codebound.agent.quickstart;
