/**
 * The registry's state in PostgreSQL, so that several registry nodes share one registry: the
 * {@link dev.codebound.server.postgres.Database} the stores use, the versioned schema
 * ({@link dev.codebound.server.postgres.SchemaMigrations}, SQL files beside the classes), and the
 * PostgreSQL implementations of the registry's storage seams. Each implementation keeps the
 * contract written on its interface; where a contract asks for answers from memory, the store keeps
 * a local view and says how soon another node's change reaches it.
 */
package dev.codebound.server.postgres;
